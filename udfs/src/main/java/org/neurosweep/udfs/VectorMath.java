package org.neurosweep.udfs;

import java.util.Arrays;
import java.util.List;

/**
 * Plain-Java kernels behind the vector functions. Vectors arrive as SQL arrays of any numeric type (lists of boxed
 * numbers). Null semantics are SQL's: a null vector, or a vector with a null element, gives a null result. NaN
 * elements propagate into sums (cosine, norm: NaN) and are skipped by orderings (argmax, top-k: a NaN is never among
 * the largest; the rank of a NaN element is null).
 */
final class VectorMath {
    private VectorMath() {
    }

    /** The elements as doubles; null when the vector or any of its elements is null. */
    static double[] values(List<?> v) {
        if (v == null) {
            return null;
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(v.get(i) instanceof Number n)) {
                return null;
            }
            out[i] = n.doubleValue();
        }
        return out;
    }

    /** Index of the largest non-NaN element (first on ties); null for a null or empty vector, or all NaN. */
    static Integer argmax(List<?> v) {
        int[] top = topK(v, 1);
        return top == null || top.length == 0 ? null : top[0];
    }

    /**
     * Indices of the k largest non-NaN elements, largest first; ties keep the lower index first. Fewer than k when the
     * vector has fewer non-NaN elements.
     */
    static int[] topK(List<?> v, int k) {
        if (k < 0) {
            throw new IllegalArgumentException("ns_topk: k must be >= 0, got " + k);
        }
        double[] x = values(v);
        if (x == null) {
            return null;
        }
        return Arrays.stream(order(x)).filter(i -> !Double.isNaN(x[i])).limit(k).toArray();
    }

    /** Indices sorted by decreasing value, stable (NaN's position does not matter: callers drop it). */
    private static int[] order(double[] x) {
        Integer[] order = new Integer[x.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(x[b], x[a]));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    /**
     * 1 + the number of elements strictly larger than element {@code index} (0-based; the specs' rank convention: ties
     * share the better rank). Null when that element is NaN.
     */
    static Integer rank(List<?> v, int index) {
        double[] x = values(v);
        if (x == null) {
            return null;
        }
        if (index < 0 || index >= x.length) {
            throw new IllegalArgumentException("ns_rank: index " + index + " outside a vector of " + x.length);
        }
        if (Double.isNaN(x[index])) {
            return null;
        }
        int larger = 0;
        for (double f : x) {
            if (f > x[index]) {
                larger++;
            }
        }
        return larger + 1;
    }

    /** Cosine similarity; null when either vector is null or has zero norm. */
    static Double cosine(List<?> a, List<?> b) {
        double[] x = values(a);
        double[] y = values(b);
        if (x == null || y == null) {
            return null;
        }
        sameLength("ns_cosine", x, y);
        double dot = 0, nx = 0, ny = 0;
        for (int i = 0; i < x.length; i++) {
            dot += x[i] * y[i];
            nx += x[i] * x[i];
            ny += y[i] * y[i];
        }
        return nx == 0 || ny == 0 ? null : dot / Math.sqrt(nx * ny);
    }

    /** Euclidean norm (0 for an empty vector). */
    static Double l2(List<?> v) {
        double[] x = values(v);
        if (x == null) {
            return null;
        }
        double s = 0;
        for (double f : x) {
            s += f * f;
        }
        return Math.sqrt(s);
    }

    /**
     * Cross-task patching strength {@code (acc_patch − acc_0) / (acc_icl − acc_0)}; null when ICL does not beat
     * zero-shot (the ratio is undefined there).
     */
    static Double normalizedStrength(Double accPatch, Double accZero, Double accIcl) {
        if (accPatch == null || accZero == null || accIcl == null || accIcl.doubleValue() == accZero.doubleValue()) {
            return null;
        }
        return (accPatch - accZero) / (accIcl - accZero);
    }

    static void sameLength(String fn, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(fn + ": arrays of length " + x.length + " and " + y.length);
        }
    }
}
