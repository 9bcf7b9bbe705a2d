package org.neurosweep.methods.evaluation;

/**
 * The scaling-law check of a checkpoint study (docs/methods/capability-dynamics.md §3, step A8): a least-squares fit of
 * y(C) = E + A·C^(−α) to a curve over training compute C (C = 6·N·D: N parameters, D tokens seen), for the
 * validation loss and for 1 − normalised score of a capability group.
 *
 * <p>The fit is separable: for a fixed α the model is linear in (E, A), so E and A have a closed-form least-squares
 * solution and the residual sum of squares is a function of α alone. α is searched on a grid of
 * {@link #GRID_STEPS} points over [{@link #ALPHA_MIN}, {@link #ALPHA_MAX}], then refined by golden-section search in
 * the grid cell on either side of the best grid point; the α of least squared error wins (equivalently the best r²).
 * C is divided by its geometric mean before powering, so the linear solve stays well conditioned for C of order
 * 10^20; A is scaled back afterwards. No sign is imposed on A: a rising curve gives A &lt; 0.
 *
 * <p>Undefined (NaN) fits: fewer than {@link #MIN_POINTS} points (three parameters need one point more to be a
 * check rather than an interpolation), a constant y, or C not positive.
 *
 * @param e      the asymptote E
 * @param a      the amplitude A (in units of y at C = 1)
 * @param alpha  the exponent α
 * @param r2     1 − SS_res / SS_tot of the fit
 * @param points the points fitted
 */
public record PowerLawFit(double e, double a, double alpha, double r2, int points) {

    public static final String FORM = "E+A*C^-alpha";
    public static final double ALPHA_MIN = 0.001;
    public static final double ALPHA_MAX = 3.0;
    public static final int GRID_STEPS = 3000;
    public static final int MIN_POINTS = 4;
    private static final int GOLDEN_ITERATIONS = 60;

    public static PowerLawFit fit(double[] compute, double[] y) {
        int n = compute.length;
        if (y.length != n) {
            throw new IllegalArgumentException("compute and values differ in length: " + n + " and " + y.length);
        }
        double logMean = 0;
        for (double c : compute) {
            if (!(c > 0) || Double.isInfinite(c)) {
                return undefined(n);
            }
            logMean += Math.log(c) / n;
        }
        double my = CurveStatistics.mean(y);
        double ssTot = 0;
        for (double v : y) {
            ssTot += (v - my) * (v - my);
        }
        if (n < MIN_POINTS || !(ssTot > 0)) {
            return undefined(n);
        }
        double[] logRel = new double[n];
        for (int i = 0; i < n; i++) {
            logRel[i] = Math.log(compute[i]) - logMean;
        }
        double step = (ALPHA_MAX - ALPHA_MIN) / GRID_STEPS;
        double bestAlpha = ALPHA_MIN;
        double bestSse = Double.POSITIVE_INFINITY;
        for (int k = 0; k <= GRID_STEPS; k++) {
            double alpha = ALPHA_MIN + k * step;
            double sse = solve(logRel, y, alpha)[2];
            if (sse < bestSse) {
                bestSse = sse;
                bestAlpha = alpha;
            }
        }
        // golden-section refinement on [best - step, best + step] within the grid's range
        double lo = Math.max(ALPHA_MIN, bestAlpha - step);
        double hi = Math.min(ALPHA_MAX, bestAlpha + step);
        double g = (Math.sqrt(5) - 1) / 2;
        double c1 = hi - g * (hi - lo);
        double c2 = lo + g * (hi - lo);
        double f1 = solve(logRel, y, c1)[2];
        double f2 = solve(logRel, y, c2)[2];
        for (int it = 0; it < GOLDEN_ITERATIONS; it++) {
            if (f1 <= f2) {
                hi = c2;
                c2 = c1;
                f2 = f1;
                c1 = hi - g * (hi - lo);
                f1 = solve(logRel, y, c1)[2];
            } else {
                lo = c1;
                c1 = c2;
                f1 = f2;
                c2 = lo + g * (hi - lo);
                f2 = solve(logRel, y, c2)[2];
            }
        }
        double refined = f1 <= f2 ? c1 : c2;
        if (Math.min(f1, f2) < bestSse) {
            bestAlpha = refined;
        }
        double[] ea = solve(logRel, y, bestAlpha);
        // y = E + A' (C / Cg)^-alpha = E + A' Cg^alpha C^-alpha
        double a = ea[1] * Math.exp(bestAlpha * logMean);
        return new PowerLawFit(ea[0], a, bestAlpha, 1 - ea[2] / ssTot, n);
    }

    /** The fit's value at compute {@code c}. */
    public double at(double c) {
        return e + a * Math.pow(c, -alpha);
    }

    public boolean defined() {
        return !Double.isNaN(alpha);
    }

    private static PowerLawFit undefined(int n) {
        return new PowerLawFit(Double.NaN, Double.NaN, Double.NaN, Double.NaN, n);
    }

    // {E, A', SSE} of the least-squares line y = E + A' x with x = exp(-alpha * logRel)
    private static double[] solve(double[] logRel, double[] y, double alpha) {
        int n = y.length;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.exp(-alpha * logRel[i]);
        }
        double mx = CurveStatistics.mean(x);
        double my = CurveStatistics.mean(y);
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        if (!(sxx > 0)) {
            return new double[] {my, 0, Double.POSITIVE_INFINITY};
        }
        double a = sxy / sxx;
        double e = my - a * mx;
        double sse = 0;
        for (int i = 0; i < n; i++) {
            double r = y[i] - e - a * x[i];
            sse += r * r;
        }
        return new double[] {e, a, sse};
    }
}
