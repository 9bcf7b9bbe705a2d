package org.neurosweep.methods.evaluation;

import java.util.Arrays;

/**
 * Cross-domain promotion (docs/methods/capability-dynamics.md §3, step A6): how two capability-group curves of one run
 * move together. For lags k in [−K, K] (checkpoint-index units) the correlation of G1[t] with G2[t + k] over the
 * overlapping checkpoints (at least {@link #MIN_OVERLAP}); a positive best lag means G1 moves first.
 *
 * @param corrLag0    Pearson correlation at lag 0 (NaN when undefined)
 * @param bestLag     the lag of highest correlation (smallest |k| first, then the negative one, on ties); null when no
 *                    lag has a defined correlation
 * @param corrBestLag the correlation at {@code bestLag} (NaN when {@code bestLag} is null)
 * @param points      checkpoints in each curve
 */
public record LeadLag(double corrLag0, Integer bestLag, double corrBestLag, int points) {

    public static final int MIN_OVERLAP = 3;

    public static LeadLag of(double[] g1, double[] g2, int maxLag) {
        if (g1.length != g2.length) {
            throw new IllegalArgumentException("group curves must cover the same checkpoints: " + g1.length + " vs " + g2.length);
        }
        if (maxLag < 0) {
            throw new IllegalArgumentException("max lag must be >= 0, got " + maxLag);
        }
        Integer best = null;
        double bestCorr = Double.NaN;
        for (int step = 0; step <= maxLag; step++) {
            for (int k : step == 0 ? new int[] {0} : new int[] {-step, step}) {
                double c = lagged(g1, g2, k);
                if (!Double.isNaN(c) && (best == null || c > bestCorr)) {
                    best = k;
                    bestCorr = c;
                }
            }
        }
        return new LeadLag(lagged(g1, g2, 0), best, bestCorr, g1.length);
    }

    // corr(G1[t], G2[t + k]) over the t where both exist
    private static double lagged(double[] g1, double[] g2, int k) {
        int from = Math.max(0, -k);
        int to = Math.min(g1.length, g2.length - k);
        if (to - from < MIN_OVERLAP) {
            return Double.NaN;
        }
        return CurveStatistics.pearson(Arrays.copyOfRange(g1, from, to), Arrays.copyOfRange(g2, from + k, to + k));
    }
}
