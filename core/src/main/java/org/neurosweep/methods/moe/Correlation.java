package org.neurosweep.methods.moe;

import org.neurosweep.methods.evaluation.CurveStatistics;

/**
 * Pearson and Spearman correlations of paired values with two-sided p-values of the t-test on n − 2 degrees of
 * freedom (t = r·sqrt((n − 2) / (1 − r²)); for Spearman the same large-sample approximation scipy uses).
 *
 * @param n the number of pairs; r and p are NaN for fewer than 3 pairs or a constant series
 */
public record Correlation(int n, double pearson, double pearsonP, double spearman, double spearmanP) {

    public static Correlation of(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " x values but " + y.length + " y values");
        }
        int n = x.length;
        double r = n < 3 ? Double.NaN : CurveStatistics.pearson(x, y);
        double rho = n < 3 ? Double.NaN : CurveStatistics.spearman(x, y);
        return new Correlation(n, r, pValue(r, n), rho, pValue(rho, n));
    }

    /** Two-sided p of a correlation r over n pairs: P(|T| ≥ |t|) for Student's t with n − 2 degrees of freedom. */
    static double pValue(double r, int n) {
        if (Double.isNaN(r) || n < 3) {
            return Double.NaN;
        }
        double df = n - 2;
        if (Math.abs(r) >= 1) {
            return 0;
        }
        double t2 = r * r * df / (1 - r * r);
        return regularizedBeta(df / (df + t2), df / 2, 0.5);
    }

    /** I_x(a, b), the regularized incomplete beta function, by its continued fraction (modified Lentz). */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        if (x > (a + 1) / (a + b + 2)) {
            return 1 - regularizedBeta(1 - x, b, a);
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x)) / a;
        double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double f = d;
        for (int m = 1; m <= 500; m++) {
            for (int half = 0; half < 2; half++) {
                double num = half == 0 ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                        : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
                d = 1 + num * d;
                d = 1 / (Math.abs(d) < tiny ? tiny : d);
                c = 1 + num / c;
                c = Math.abs(c) < tiny ? tiny : c;
                f *= c * d;
            }
            if (Math.abs(c * d - 1) < 1e-15) {
                break;
            }
        }
        return front * f;
    }

    // Lanczos approximation (g = 7, n = 9), relative error below 1e-15 for x > 0
    private static double logGamma(double x) {
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        x -= 1;
        double sum = g[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            sum += g[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
