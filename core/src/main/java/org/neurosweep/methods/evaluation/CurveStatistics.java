package org.neurosweep.methods.evaluation;

import java.util.Arrays;

/**
 * The small statistics the trajectory analysis of checkpoint studies needs (docs/methods/capability-dynamics.md §3,
 * steps A4–A7): least-squares slope, Pearson and Spearman correlation, centred moving median, standard deviation.
 * Inputs are equal-length arrays; results are NaN where a statistic is undefined (fewer than two points, zero
 * variance).
 */
public final class CurveStatistics {

    private CurveStatistics() {
    }

    /** Ordinary least-squares slope of y on x; NaN for fewer than two points or constant x. */
    public static double olsSlope(double[] x, double[] y) {
        checkLengths(x, y);
        if (x.length < 2) {
            return Double.NaN;
        }
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }

    /** Pearson correlation; NaN for fewer than two points or a constant series. */
    public static double pearson(double[] x, double[] y) {
        checkLengths(x, y);
        if (x.length < 2) {
            return Double.NaN;
        }
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    /** Spearman rank correlation: Pearson of the average ranks (ties share their mean rank). */
    public static double spearman(double[] x, double[] y) {
        checkLengths(x, y);
        return pearson(ranks(x), ranks(y));
    }

    /** 1-based ranks, ties given the mean of the ranks they span. */
    static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[v.length];
        int i = 0;
        while (i < v.length) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[order[k]] = rank;
            }
            i = j + 1;
        }
        return r;
    }

    /**
     * Centred moving median of odd {@code window}; near the ends the window is cut to the points that exist, and the
     * first and last points are kept as they are (a window of one).
     */
    public static double[] movingMedian(double[] y, int window) {
        if (window < 1 || window % 2 == 0) {
            throw new IllegalArgumentException("moving-median window must be odd and >= 1, got " + window);
        }
        int half = window / 2;
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            int reach = Math.min(half, Math.min(i, y.length - 1 - i));
            out[i] = median(Arrays.copyOfRange(y, i - reach, i + reach + 1));
        }
        return out;
    }

    /** Sample standard deviation (n − 1); NaN for fewer than two values. */
    public static double std(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double m = mean(v);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (v.length - 1));
    }

    /** Successive differences v[i+1] − v[i]. */
    public static double[] differences(double[] v) {
        double[] d = new double[Math.max(0, v.length - 1)];
        for (int i = 0; i < d.length; i++) {
            d[i] = v[i + 1] - v[i];
        }
        return d;
    }

    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static void checkLengths(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series differ in length: " + x.length + " and " + y.length);
        }
    }
}
