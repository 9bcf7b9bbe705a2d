package org.neurosweep.methods.evaluation;

import java.util.Arrays;

/**
 * The shape of one metric over the checkpoints of a pretraining run (docs/methods/capability-dynamics.md §3, step A4).
 * With x = log10(progress) (tokens seen, or steps when tokens are unknown) and y the metric (higher = better) over
 * checkpoints in training order:
 *
 * <ul>
 *   <li>{@code finalValue} = y at the last checkpoint; {@code gain} = final − y(first);</li>
 *   <li>{@code t50}, {@code t90}: the first progress at which the smoothed curve (centred moving median, window 3)
 *       has covered 50% / 90% of the gain; null when the gain is 0;</li>
 *   <li>{@code earlySlope} / {@code lateSlope}: OLS slope of y on x over the first / last third of the checkpoints
 *       (at least two);</li>
 *   <li>{@code monotonicity}: Spearman ρ(y, progress); {@code noise}: std of the first differences of
 *       (y − smoothed y);</li>
 *   <li>{@code saturatedAt}: the first progress from which on (at least three checkpoints) the OLS slope stays
 *       below {@link #SATURATION_SLOPE} per decade in absolute value; null when never;</li>
 *   <li>{@code phase}: {@code early} when t90 ≤ 25% of the run, {@code late} when t50 ≥ 50%, {@code mid} otherwise,
 *       {@code flat} when the gain is 0. The run's length is {@code runEnd} (its last checkpoint by default).</li>
 * </ul>
 * NaN marks a slope or correlation that is undefined (constant series, too few points).
 */
public record TrajectoryFeatures(int points, double finalValue, double gain, Double t50, Double t90, double earlySlope,
                                 double lateSlope, double monotonicity, double noise, Double saturatedAt,
                                 String phase) {

    /** ε of step A4: a slope below 0.01 (normalised score) per decade of tokens counts as saturated. */
    public static final double SATURATION_SLOPE = 0.01;

    private static final int SMOOTHING_WINDOW = 3;
    private static final int SATURATION_MIN_POINTS = 3;

    /**
     * @param progress strictly increasing positive training progress of each checkpoint (tokens or steps)
     * @param y        the metric at each checkpoint, higher = better
     * @param runEnd   the length of the run in the same unit, ≥ the last progress
     */
    public static TrajectoryFeatures of(double[] progress, double[] y, double runEnd) {
        int n = progress.length;
        if (n == 0 || y.length != n) {
            throw new IllegalArgumentException("a trajectory needs as many values as checkpoints (≥ 1), got "
                    + y.length + " values for " + n + " checkpoints");
        }
        for (int i = 0; i < n; i++) {
            if (!(progress[i] > 0) || (i > 0 && progress[i] <= progress[i - 1])) {
                throw new IllegalArgumentException("checkpoint progress must be positive and strictly increasing, got "
                        + Arrays.toString(progress));
            }
        }
        if (runEnd < progress[n - 1]) {
            throw new IllegalArgumentException("run end " + runEnd + " lies before the last checkpoint " + progress[n - 1]);
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.log10(progress[i]);
        }
        double[] smooth = CurveStatistics.movingMedian(y, SMOOTHING_WINDOW);
        double gain = y[n - 1] - y[0];
        Double t50 = reached(progress, smooth, y[0], gain, 0.5);
        Double t90 = reached(progress, smooth, y[0], gain, 0.9);
        int third = Math.min(n, Math.max(2, (n + 2) / 3));
        double early = CurveStatistics.olsSlope(Arrays.copyOfRange(x, 0, third),
                Arrays.copyOfRange(y, 0, third));
        double late = CurveStatistics.olsSlope(Arrays.copyOfRange(x, n - third, n),
                Arrays.copyOfRange(y, n - third, n));
        double[] residual = new double[n];
        for (int i = 0; i < n; i++) {
            residual[i] = y[i] - smooth[i];
        }
        double noise = CurveStatistics.std(CurveStatistics.differences(residual));
        return new TrajectoryFeatures(n, y[n - 1], gain, t50, t90, early, late, CurveStatistics.spearman(y, progress),
                noise, saturatedAt(progress, x, y), phase(gain, t50, t90, runEnd));
    }

    // first progress where the smoothed curve has covered `fraction` of the gain (either sign), null for no gain
    private static Double reached(double[] progress, double[] smooth, double start, double gain, double fraction) {
        if (gain == 0) {
            return null;
        }
        for (int i = 0; i < progress.length; i++) {
            if ((smooth[i] - start) / gain >= fraction) {
                return progress[i];
            }
        }
        return null;
    }

    private static Double saturatedAt(double[] progress, double[] x, double[] y) {
        int n = progress.length;
        for (int k = 0; k + SATURATION_MIN_POINTS <= n; k++) {
            double slope = CurveStatistics.olsSlope(Arrays.copyOfRange(x, k, n),
                    Arrays.copyOfRange(y, k, n));
            if (Math.abs(slope) < SATURATION_SLOPE) {
                return progress[k];
            }
        }
        return null;
    }

    private static String phase(double gain, Double t50, Double t90, double runEnd) {
        if (gain == 0) {
            return "flat";
        }
        if (t90 != null && t90 <= 0.25 * runEnd) {
            return "early";
        }
        if (t50 != null && t50 >= 0.5 * runEnd) {
            return "late";
        }
        return "mid";
    }
}
