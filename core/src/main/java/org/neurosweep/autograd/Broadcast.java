package org.neurosweep.autograd;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Shape rules shared by the elementwise ops: numpy broadcasting of trailing dims and its adjoint. */
final class Broadcast {

    private Broadcast() {
    }

    /** The broadcast shape of {@code a} and {@code b}, or an error naming both shapes. */
    static long[] shape(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and "
                        + Arrays.toString(b) + " do not broadcast");
            }
            out[i] = Math.max(da, db);
        }
        return out;
    }

    /**
     * Sums {@code g} (a broadcast shape) down to {@code target}: over the leading dims {@code target}
     * lacks and over the dims where {@code target} has size 1. Returns {@code g} itself when the shapes
     * already agree, a fresh array otherwise.
     */
    static INDArray reduceTo(INDArray g, long[] target) {
        long[] gs = g.shape();
        if (Arrays.equals(gs, target)) {
            return g;
        }
        int offset = gs.length - target.length;
        int[] dims = new int[gs.length];
        int n = 0;
        for (int i = 0; i < gs.length; i++) {
            if (i < offset || (target[i - offset] == 1 && gs[i] != 1)) {
                dims[n++] = i;
            }
        }
        INDArray summed = n == 0 ? g.dup() : g.sum(Arrays.copyOf(dims, n));
        return summed.reshape(target);
    }

    /** Adds {@code g} (a broadcast shape) into {@code v}'s gradient, summed down to {@code v}'s shape. */
    static void backInto(Var v, INDArray g) {
        if (!v.requiresGrad()) {
            return;
        }
        INDArray reduced = reduceTo(g, v.shape());
        if (reduced == g) {
            v.addGrad(g);
        } else {
            v.accumulateOwned(reduced);
        }
    }

    /** Adds a fresh array {@code product} (a broadcast shape, owned by the caller) into {@code v}'s gradient. */
    static void backIntoOwned(Var v, INDArray product) {
        if (!v.requiresGrad()) {
            return;
        }
        INDArray reduced = reduceTo(product, v.shape());
        v.accumulateOwned(reduced);
    }
}
