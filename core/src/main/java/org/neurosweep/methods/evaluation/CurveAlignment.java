package org.neurosweep.methods.evaluation;

import java.util.Arrays;

/**
 * Cross-size consistency (docs/methods/capability-dynamics.md §3, step A7): how alike the curves of one metric are in
 * two runs (of different sizes or families). Each curve is min-max normalised over its own values (a constant curve
 * becomes 0), both are resampled by linear interpolation at {@link #SAMPLES} points of the progress interval they
 * share, and compared by the mean absolute difference ({@code shapeDistance}, 0 = same shape) and by the Spearman
 * correlation of the resampled curves' first differences, rounded to 1e-9 so that steps along one linear segment tie
 * ({@code spearmanDiff}).
 *
 * <p>Progress is aligned either as a fraction of each run (progress / run end) or in absolute units (tokens); see
 * {@link Alignment}.
 *
 * @param from start of the shared progress interval the curves were compared on
 * @param to   its end
 */
public record CurveAlignment(Alignment alignment, double from, double to, double shapeDistance, double spearmanDiff) {

    public static final int SAMPLES = 50;
    /** First differences are compared at 1e-9 resolution (values are min-max normalised to [0, 1]). */
    private static final double TIE_SCALE = 1e9;

    public enum Alignment {
        /** Progress divided by the run's end: compares phases of training. */
        FRACTION,
        /** Raw progress (tokens or steps): compares the same amount of training. */
        TOKENS
    }

    /**
     * The comparison of curve a (progress {@code xa}, values {@code ya}) with curve b, or null when the curves share
     * no progress interval of positive length. Progress must increase strictly within each curve.
     */
    public static CurveAlignment of(Alignment alignment, double[] xa, double[] ya, double endA,
                                    double[] xb, double[] yb, double endB) {
        double[] pa = scaled(xa, alignment == Alignment.FRACTION ? endA : 1);
        double[] pb = scaled(xb, alignment == Alignment.FRACTION ? endB : 1);
        double from = Math.max(pa[0], pb[0]);
        double to = Math.min(pa[pa.length - 1], pb[pb.length - 1]);
        if (!(to > from)) {
            return null;
        }
        double[] na = minMax(ya);
        double[] nb = minMax(yb);
        double[] ra = new double[SAMPLES];
        double[] rb = new double[SAMPLES];
        double distance = 0;
        for (int s = 0; s < SAMPLES; s++) {
            double at = from + (to - from) * s / (SAMPLES - 1);
            ra[s] = interpolate(pa, na, at);
            rb[s] = interpolate(pb, nb, at);
            distance += Math.abs(ra[s] - rb[s]);
        }
        double spearman = CurveStatistics.spearman(tied(CurveStatistics.differences(ra)),
                tied(CurveStatistics.differences(rb)));
        return new CurveAlignment(alignment, from, to, distance / SAMPLES, spearman);
    }

    // differences equal up to rounding (one linear segment of the curve) become exact ties for the ranking
    private static double[] tied(double[] d) {
        double[] out = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = Math.rint(d[i] * TIE_SCALE) / TIE_SCALE;
        }
        return out;
    }

    private static double[] scaled(double[] x, double by) {
        if (x.length == 0) {
            throw new IllegalArgumentException("a curve needs at least one checkpoint");
        }
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            if (i > 0 && x[i] <= x[i - 1]) {
                throw new IllegalArgumentException("checkpoint progress must increase strictly: " + Arrays.toString(x));
            }
            out[i] = x[i] / by;
        }
        return out;
    }

    private static double[] minMax(double[] y) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : y) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = hi > lo ? (y[i] - lo) / (hi - lo) : 0;
        }
        return out;
    }

    // piecewise-linear value of (x, y) at `at`, x ascending and x[0] <= at <= x[last]
    private static double interpolate(double[] x, double[] y, double at) {
        int i = 0;
        while (i + 1 < x.length && x[i + 1] < at) {
            i++;
        }
        if (i + 1 == x.length || at <= x[i]) {
            return y[i];
        }
        double w = (at - x[i]) / (x[i + 1] - x[i]);
        return y[i] + w * (y[i + 1] - y[i]);
    }
}
