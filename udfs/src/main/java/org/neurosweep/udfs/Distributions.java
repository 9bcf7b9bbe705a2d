package org.neurosweep.udfs;

import java.util.List;

/**
 * Information measures of probability arrays, in nats (natural logarithm). The arrays are taken as given (not
 * renormalised); 0·log 0 = 0. Null semantics as in {@link VectorMath}: a null array or element gives null; an empty
 * array gives null (no distribution); a NaN element makes the result NaN. A negative probability or arrays of different
 * lengths are errors naming the function.
 */
final class Distributions {
    private Distributions() {
    }

    /** Shannon entropy H(p) = −Σ p_i log p_i. */
    static Double entropy(List<?> p) {
        double[] x = probabilities("ns_entropy", p);
        if (x == null) {
            return null;
        }
        double h = 0;
        for (double pi : x) {
            h -= plogq(pi, pi);
        }
        return h;
    }

    /** Kullback–Leibler divergence KL(p ‖ q) = Σ p_i log(p_i / q_i); +∞ when some q_i = 0 < p_i. */
    static Double kl(List<?> p, List<?> q) {
        double[] x = probabilities("ns_kl", p);
        double[] y = probabilities("ns_kl", q);
        if (x == null || y == null) {
            return null;
        }
        VectorMath.sameLength("ns_kl", x, y);
        return divergence(x, y);
    }

    /** Jensen–Shannon divergence ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q)/2; at most log 2 for distributions. */
    static Double js(List<?> p, List<?> q) {
        double[] x = probabilities("ns_js", p);
        double[] y = probabilities("ns_js", q);
        if (x == null || y == null) {
            return null;
        }
        VectorMath.sameLength("ns_js", x, y);
        double[] m = new double[x.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = (x[i] + y[i]) / 2;
        }
        return (divergence(x, m) + divergence(y, m)) / 2;
    }

    private static double divergence(double[] p, double[] q) {
        double d = 0;
        for (int i = 0; i < p.length; i++) {
            d += plogq(p[i], p[i]) - plogq(p[i], q[i]);
        }
        return d;
    }

    /** p·log q with 0·log q = 0 (q = 0 included); NaN propagates. */
    private static double plogq(double p, double q) {
        return p == 0 ? 0 : p * Math.log(q);
    }

    private static double[] probabilities(String fn, List<?> p) {
        double[] x = VectorMath.values(p);
        if (x == null || x.length == 0) {
            return null;
        }
        for (int i = 0; i < x.length; i++) {
            if (x[i] < 0) {
                throw new IllegalArgumentException(fn + ": element " + i + " is " + x[i] + ", not a probability");
            }
        }
        return x;
    }
}
