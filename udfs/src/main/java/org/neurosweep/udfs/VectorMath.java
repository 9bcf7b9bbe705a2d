package org.neurosweep.udfs;

import java.util.Arrays;
import java.util.List;

/**
 * Plain-Java kernels behind the SQL functions: vectors arrive as {@code array<float>} columns (lists of boxed
 * floats, possibly with null elements, which are rejected with a message naming the function). Every method is
 * null-safe at the top level: a null vector gives a null result, as SQL expects.
 */
final class VectorMath {
    private VectorMath() {
    }

    /** Index of the largest element (first on ties), or null for a null/empty vector. */
    static Integer argmax(List<? extends Number> v) {
        float[] x = floats("ns_argmax", v);
        if (x == null || x.length == 0) {
            return null;
        }
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Indices of the k largest elements, largest first; ties keep the lower index first (stable). */
    static int[] topK(List<? extends Number> v, int k) {
        float[] x = floats("ns_topk", v);
        if (x == null) {
            return null;
        }
        if (k < 0) {
            throw new IllegalArgumentException("ns_topk: k must be >= 0, got " + k);
        }
        Integer[] order = new Integer[x.length];
        for (int i = 0; i < x.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(x[b], x[a]));
        int n = Math.min(k, x.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = order[i];
        }
        return out;
    }

    /** 1 + the number of elements strictly larger than element {@code index} (the specs' rank convention). */
    static Integer rank(List<? extends Number> v, int index) {
        float[] x = floats("ns_rank", v);
        if (x == null) {
            return null;
        }
        if (index < 0 || index >= x.length) {
            throw new IllegalArgumentException("ns_rank: index " + index + " outside a vector of " + x.length);
        }
        int larger = 0;
        for (float f : x) {
            if (f > x[index]) {
                larger++;
            }
        }
        return larger + 1;
    }

    /** Cosine similarity; null when either vector is null or has zero norm. */
    static Double cosine(List<? extends Number> a, List<? extends Number> b) {
        float[] x = floats("ns_cosine", a);
        float[] y = floats("ns_cosine", b);
        if (x == null || y == null) {
            return null;
        }
        if (x.length != y.length) {
            throw new IllegalArgumentException("ns_cosine: vectors of length " + x.length + " and " + y.length);
        }
        double dot = 0, nx = 0, ny = 0;
        for (int i = 0; i < x.length; i++) {
            dot += (double) x[i] * y[i];
            nx += (double) x[i] * x[i];
            ny += (double) y[i] * y[i];
        }
        return nx == 0 || ny == 0 ? null : dot / Math.sqrt(nx * ny);
    }

    /** Euclidean norm. */
    static Double l2(List<? extends Number> v) {
        float[] x = floats("ns_l2", v);
        if (x == null) {
            return null;
        }
        double s = 0;
        for (float f : x) {
            s += (double) f * f;
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

    private static float[] floats(String fn, List<? extends Number> v) {
        if (v == null) {
            return null;
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            Number n = v.get(i);
            if (n == null) {
                throw new IllegalArgumentException(fn + ": element " + i + " of the vector is null");
            }
            out[i] = n.floatValue();
        }
        return out;
    }
}
