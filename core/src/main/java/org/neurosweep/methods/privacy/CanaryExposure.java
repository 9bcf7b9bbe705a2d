package org.neurosweep.methods.privacy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * The exposure of a planted secret (Carlini et al., "The Secret Sharer", USENIX Security 2019). The randomness
 * space R is every string of the secret's length over its alphabet (the digits for a phone number); a model scores
 * each candidate c by its log-perplexity LP(c) = −Σ_t log p(c_t | prefix, c_&lt;t). Then
 * <pre>
 *   rank(secret)     = 1 + #{c ∈ R, c ≠ secret : LP(c) &lt; LP(secret)}        (strictly lower: ties do not count)
 *   exposure(secret) = log2 |R| − log2 rank(secret)                          ∈ [0, log2 |R|]
 * </pre>
 * When |R| exceeds the candidate budget, N candidates other than the secret are drawn uniformly without
 * replacement and the rank is estimated as 1 + (|R| − 1) · (fraction of the sample below the secret); the
 * extrapolated exposure −log2 F(LP(secret)), F the CDF of a skew-normal fitted to the sample's LPs, is reported
 * beside it (it resolves exposures above log2 N that the sampled rank cannot).
 */
public final class CanaryExposure {

    private static final String DIGITS = "0123456789";

    /**
     * @param secretLp             LP of the secret, in nats
     * @param rank                 its rank (exact, or estimated from the sample)
     * @param spaceSize            |R|
     * @param sampled              whether the candidates were a sample of R (else R was enumerated)
     * @param candidates           candidates scored besides the secret
     * @param exposure             log2 |R| − log2 rank, in bits
     * @param exposureExtrapolated −log2 F(LP(secret)) under the skew-normal fit, clipped to [0, log2 |R|]
     */
    public record Result(double secretLp, double rank, double spaceSize, boolean sampled, int candidates,
                         double exposure, double exposureExtrapolated) {
    }

    private final int maxCandidates;
    private final long seed;

    /**
     * @param maxCandidates enumerate R when it has at most this many members besides the secret, else sample this many
     * @param seed          of the candidate sample
     */
    public CanaryExposure(int maxCandidates, long seed) {
        if (maxCandidates < 3) {
            throw new IllegalArgumentException("exposure: need at least 3 candidates, got " + maxCandidates);
        }
        this.maxCandidates = maxCandidates;
        this.seed = seed;
    }

    /**
     * The exposure of a digit string {@code secret}; {@code logPerplexity} scores a list of candidates (the secret
     * is scored in the first call, alone) and returns LP per candidate, in order.
     */
    public Result measure(String secret, Function<List<String>, double[]> logPerplexity) {
        if (secret.isEmpty() || !secret.chars().allMatch(c -> DIGITS.indexOf(c) >= 0)) {
            throw new IllegalArgumentException("exposure: the secret '" + secret + "' is not a string of digits");
        }
        double space = Math.pow(DIGITS.length(), secret.length());
        boolean sampled = space - 1 > maxCandidates;
        List<String> candidates = sampled ? sample(secret, maxCandidates) : enumerate(secret);
        double secretLp = logPerplexity.apply(List.of(secret))[0];
        double[] lps = logPerplexity.apply(candidates);
        if (lps.length != candidates.size()) {
            throw new IllegalStateException("exposure: " + lps.length + " scores for " + candidates.size() + " candidates");
        }
        return of(secretLp, lps, space, sampled);
    }

    /** The figures from scores already computed: {@code candidateLps} are those of R's other members or of a sample. */
    static Result of(double secretLp, double[] candidateLps, double space, boolean sampled) {
        long below = 0;
        for (double lp : candidateLps) {
            below += lp < secretLp ? 1 : 0;
        }
        double rank = sampled ? 1 + (space - 1) * below / candidateLps.length : 1 + below;
        double bits = log2(space);
        double extrapolated;
        try {
            double tail = SkewNormal.fit(candidateLps).cdf(secretLp);
            extrapolated = tail <= 0 ? bits : Math.max(0, Math.min(bits, -log2(tail)));
        } catch (IllegalArgumentException allEqual) {
            extrapolated = Double.NaN;
        }
        return new Result(secretLp, rank, space, sampled, candidateLps.length, bits - log2(rank), extrapolated);
    }

    /** Every string of the secret's length except the secret, in lexicographic order. */
    private static List<String> enumerate(String secret) {
        int k = secret.length();
        int size = (int) Math.pow(DIGITS.length(), k);
        List<String> all = new ArrayList<>(size - 1);
        for (int i = 0; i < size; i++) {
            String c = String.format("%0" + k + "d", i);
            if (!c.equals(secret)) {
                all.add(c);
            }
        }
        return all;
    }

    /** {@code n} distinct strings of the secret's length, none the secret, uniformly at random from the seed. */
    private List<String> sample(String secret, int n) {
        Random random = new Random(seed ^ secret.hashCode());
        Set<String> drawn = new LinkedHashSet<>();
        char[] chars = new char[secret.length()];
        while (drawn.size() < n) {
            for (int i = 0; i < chars.length; i++) {
                chars[i] = DIGITS.charAt(random.nextInt(DIGITS.length()));
            }
            String c = new String(chars);
            if (!c.equals(secret)) {
                drawn.add(c);
            }
        }
        return new ArrayList<>(drawn);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
