package org.neurosweep.model.generate;

/**
 * How the next token is chosen from the logits of one row: greedy (argmax, lowest id on ties) or a draw from
 * softmax(logits / temperature) restricted first to the {@code topK} highest logits, then to the nucleus: the
 * smallest set of the most probable remaining tokens whose probability reaches {@code topP} (HF's order of the
 * temperature, top-k and top-p warpers).
 *
 * @param temperature divides the logits before the softmax; 0 means greedy
 * @param topK        keep the k highest logits (ties broken by lower id); 0 = no limit
 * @param topP        nucleus mass in (0, 1]; 1 = no limit
 */
public record Sampling(double temperature, int topK, double topP) {

    private static final Sampling GREEDY = new Sampling(0, 0, 1);

    public Sampling {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0 (0 = greedy), got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = no limit), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must lie in (0, 1], got " + topP);
        }
    }

    /** Argmax decoding. */
    public static Sampling greedy() {
        return GREEDY;
    }

    /** Sampling at {@code temperature} with no top-k or top-p limit. */
    public static Sampling atTemperature(double temperature) {
        if (temperature == 0) {
            throw new IllegalArgumentException("sampling needs a temperature > 0; use Sampling.greedy() for argmax");
        }
        return new Sampling(temperature, 0, 1);
    }

    public Sampling withTopK(int k) {
        return new Sampling(temperature, k, topP);
    }

    public Sampling withTopP(double p) {
        return new Sampling(temperature, topK, p);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
