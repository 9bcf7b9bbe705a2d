package org.neurosweep.methods.pad;

/**
 * PAD's multiple-choice calibration of the teacher: for every pair i &lt; j of a prompt's n responses the teacher is
 * asked which is better, response i shown as {@code A)}, j as {@code B)} (no position swap), and answers with
 * probabilities p_A (i wins) and p_B (j wins). Then
 * <pre>
 *   c_i = 1e-8 + Σ_{pairs containing i} p(i wins),    m_i = log(c_i / (n − 1))
 * </pre>
 * the log of i's average win probability. A prompt is kept for training only if some exp(m_i) &gt; 0.5 and some
 * exp(m_i) ≤ 0.5 (a clear winner and a clear loser).
 */
public final class McqCalibration {

    /** Added to every probability sum, as in the reference code, so that no log sees 0. */
    public static final double FLOOR = 1e-8;

    private McqCalibration() {
    }

    /** The pairs (i, j), i &lt; j, in the order {@link #scores} expects their probabilities. */
    public static int[][] pairs(int n) {
        int[][] pairs = new int[n * (n - 1) / 2][];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                pairs[k++] = new int[] {i, j};
            }
        }
        return pairs;
    }

    /** m (n) from {@code pA[k]}, {@code pB[k]} of pair k of {@link #pairs}(n). */
    public static double[] scores(int n, double[] pA, double[] pB) {
        int[][] pairs = pairs(n);
        if (pA.length != pairs.length || pB.length != pairs.length) {
            throw new IllegalArgumentException("MCQ calibration of " + n + " responses needs " + pairs.length
                    + " pairs, got " + pA.length + " and " + pB.length);
        }
        double[] c = new double[n];
        java.util.Arrays.fill(c, FLOOR);
        for (int k = 0; k < pairs.length; k++) {
            c[pairs[k][0]] += pA[k];
            c[pairs[k][1]] += pB[k];
        }
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            m[i] = Math.log(c[i] / (n - 1));
        }
        return m;
    }

    /** The filter: some average win probability above one half and some at or below it. */
    public static boolean passesFilter(double[] m) {
        boolean above = false;
        boolean below = false;
        for (double v : m) {
            above |= Math.exp(v) > 0.5;
            below |= Math.exp(v) <= 0.5;
        }
        return above && below;
    }

    /** The calibrated teacher score α ℓ_T + (1 − α) m (PAD multiplies it by β with the student's). */
    public static double teacherScore(double alpha, double avgLogProb, double mcq) {
        return alpha * avgLogProb + (1 - alpha) * mcq;
    }
}
