package org.neurosweep.methods.moe;

import java.util.ArrayList;
import java.util.List;

/**
 * The model-level aggregates of docs/methods/moe-attribution.md step 5 over a set of samples, from each sample's per-layer LPIs:
 * <ul>
 *   <li>FFNGain = mean over samples of Σ_l LPI_ffn(l); AttnGain likewise with LPI_attn;</li>
 *   <li>peak gain position = mean over samples of (argmax_l LPI_ffn(l) + 1) / L (first layer on ties);</li>
 *   <li>per-layer efficiency η = FFNGain / L;</li>
 *   <li>stage shares: Σ_{l ∈ stage} LPI_ffn(l) / Σ_l LPI_ffn(l), both summed over samples (signed), and the same
 *       with max(0, LPI) (the positive-only variant of §1(f).6).</li>
 * </ul>
 *
 * @param samples the sample count; 0 gives NaN aggregates
 */
public record GainSummary(int samples, int layers, double ffnGain, double attnGain, double peakGainPosition,
                          double layerEfficiency, List<StageShare> stages) {

    /** Layers {@code from}..{@code to}, 1-indexed and inclusive, as in the paper. */
    public record Stage(String name, int from, int to) {
    }

    /** A stage's share of the total FFN gain, signed and positive-only (NaN when the total is 0). */
    public record StageShare(Stage stage, double share, double positiveShare) {
    }

    /**
     * Stages of an {@code layers}-deep model cut at the fractions {@code bounds} of its depth (increasing, in (0, 1)):
     * stage i holds the 1-indexed layers l with bounds[i−1]·L &lt; l ≤ bounds[i]·L (bounds[−1] = 0, bounds[n] = 1).
     * Three stages are named early, middle and late; other counts stage1, stage2, ... An empty stage is dropped.
     * The paper's Qwen1.5-MoE stages 1–13, 14–19, 20–24 are the bounds 13/24 and 19/24.
     */
    public static List<Stage> stages(int layers, List<Double> bounds) {
        List<Double> cuts = new ArrayList<>(bounds);
        for (int i = 0; i < cuts.size(); i++) {
            if (!(cuts.get(i) > 0 && cuts.get(i) < 1) || i > 0 && cuts.get(i) <= cuts.get(i - 1)) {
                throw new IllegalArgumentException("stage bounds must increase strictly inside (0, 1), got " + bounds);
            }
        }
        cuts.add(1.0);
        List<Stage> out = new ArrayList<>();
        int from = 1;
        for (int i = 0; i < cuts.size(); i++) {
            int to = (int) Math.floor(cuts.get(i) * layers + 1e-9);
            String name = cuts.size() == 3 ? List.of("early", "middle", "late").get(i) : "stage" + (i + 1);
            if (to >= from) {
                out.add(new Stage(name, from, to));
                from = to + 1;
            }
        }
        return out;
    }

    /** The aggregates of samples whose per-layer LPIs are {@code ffn.get(s)} and {@code attn.get(s)} (each of size L). */
    public static GainSummary of(int layers, List<double[]> ffn, List<double[]> attn, List<Stage> stages) {
        int n = ffn.size();
        double ffnGain = 0;
        double attnGain = 0;
        double peak = 0;
        double[] perLayer = new double[layers];
        double[] positive = new double[layers];
        for (int s = 0; s < n; s++) {
            double[] f = ffn.get(s);
            int argmax = 0;
            for (int l = 0; l < layers; l++) {
                ffnGain += f[l];
                attnGain += attn.get(s)[l];
                perLayer[l] += f[l];
                positive[l] += Math.max(0, f[l]);
                argmax = f[l] > f[argmax] ? l : argmax;
            }
            peak += (argmax + 1) / (double) layers;
        }
        List<StageShare> shares = new ArrayList<>();
        double total = sum(perLayer, 1, layers);
        double totalPositive = sum(positive, 1, layers);
        for (Stage st : stages) {
            shares.add(new StageShare(st, sum(perLayer, st.from(), st.to()) / total,
                    sum(positive, st.from(), st.to()) / totalPositive));
        }
        double mean = n == 0 ? Double.NaN : 1.0 / n;
        return new GainSummary(n, layers, ffnGain * mean, attnGain * mean, peak * mean, ffnGain * mean / layers, shares);
    }

    // Σ of 1-indexed entries from..to
    private static double sum(double[] v, int from, int to) {
        double s = 0;
        for (int l = from; l <= to; l++) {
            s += v[l - 1];
        }
        return s;
    }
}
