package org.neurosweep.autograd;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Matrix products. GEMMs write into one preallocated f-order result, the layout BLAS wants. */
public final class Linear {

    private Linear() {
    }

    /** (m, k)·(k, n) → (m, n), or batched (..., m, k)·(..., k, n) → (..., m, n) with equal batch dims. */
    public static Var matmul(Var a, Var b) {
        checkMatmul(a.shape(), b.shape());
        INDArray out = mm(a.value(), b.value(), false, false);
        return Tape.op(out, g -> {
            if (a.requiresGrad()) {
                a.accumulateOwned(mm(g, b.value(), false, true));
            }
            if (b.requiresGrad()) {
                b.accumulateOwned(mm(a.value(), g, true, false));
            }
        }, a, b);
    }

    /**
     * x·W + bias over all tokens in one GEMM: x (..., in), W (in, out) (stored f-order at load),
     * bias (out) or null → (..., out), c-order.
     */
    public static Var linear(Var x, Var w, Var bias) {
        long[] xs = x.shape();
        long in = xs[xs.length - 1];
        if (w.rank() != 2 || w.size(0) != in) {
            throw new IllegalArgumentException("linear: x " + Arrays.toString(xs) + " needs W (" + in
                    + ", out), got " + Arrays.toString(w.shape()));
        }
        long outDim = w.size(1);
        if (bias != null && bias.value().length() != outDim) {
            throw new IllegalArgumentException("linear: bias " + Arrays.toString(bias.shape())
                    + " does not match W " + Arrays.toString(w.shape()));
        }
        long n = x.value().length() / in;
        INDArray x2 = xs.length == 2 ? x.value() : x.value().reshape('c', n, in);   // (N, in), any BLAS layout
        INDArray y2 = tokensTimes(x2, w.value(), false);                    // (N, out), c-layout
        if (bias != null) {
            y2.addiRowVector(bias.value());
        }
        long[] ys = xs.clone();
        ys[ys.length - 1] = outDim;
        INDArray y = y2.reshape('c', ys);
        Var[] inputs = bias == null ? new Var[] {x, w} : new Var[] {x, w, bias};
        return Tape.op(y, g -> {
            INDArray g2 = g.reshape('c', n, outDim);                       // (N, out)
            if (x.requiresGrad()) {
                x.accumulateOwned(tokensTimes(g2, w.value(), true).reshape('c', xs));
            }
            if (w.requiresGrad()) {
                INDArray into = w.claimGrad('f');                          // (in, out): xᵀ·g written in place
                if (into != null) {
                    Nd4j.gemm(x2, g2, into, true, false, 1.0, 0.0);
                } else {
                    w.accumulateOwned(mm(x2, g2, true, false));
                }
            }
            if (bias != null && bias.requiresGrad()) {
                bias.accumulateOwned(g2.sum(0).reshape(bias.shape()));
            }
        }, inputs);
    }

    /**
     * (N, k)·W or (N, k)·Wᵀ as a c-layout (N, m) view of an f-order (m, N) GEMM result, so that
     * reshaping it back to (..., m) is free; a single token (N = 1) goes to {@link MatrixVector}.
     */
    private static INDArray tokensTimes(INDArray x2, INDArray w, boolean transposeW) {
        long n = x2.size(0);
        if (n == 1) {
            INDArray row = MatrixVector.rowTimes(x2, w, transposeW);                // one token: GEMV
            if (row != null) {
                return row;
            }
        }
        long m = transposeW ? w.size(0) : w.size(1);
        INDArray outT = Nd4j.createUninitialized(x2.dataType(), new long[] {m, n}, 'f');
        // (x·W)ᵀ = Wᵀ·xᵀ ; (x·Wᵀ)ᵀ = W·xᵀ
        Nd4j.gemm(w, x2, outT, !transposeW, true, 1.0, 0.0);
        return outT.transpose();
    }

    /**
     * Inference only (nothing taped): rows (N, k) · W (k, m) written into {@code resultT}, an f-order (m, N) array
     * that may be a column block of a larger f-order array (e.g. one expert's share of a stacked MoE output). One
     * row goes to {@link MatrixVector}.
     */
    public static void rowsTimesInto(INDArray rows, INDArray w, INDArray resultT) {
        if (rows.size(0) == 1) {
            INDArray row = MatrixVector.rowTimes(rows, w, false);
            if (row != null) {
                resultT.assign(row.reshape(resultT.shape()));
                return;
            }
        }
        Nd4j.gemm(w, rows, resultT, true, true, 1.0, 0.0);
    }

    /** op(a)·op(b) into a fresh result; rank 2 goes to an f-order GEMM, higher ranks to batched matmul. */
    static INDArray mm(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        if (a.rank() == 2 && b.rank() == 2) {
            long m = transposeA ? a.size(1) : a.size(0);
            long n = transposeB ? b.size(0) : b.size(1);
            INDArray out = Nd4j.createUninitialized(a.dataType(), new long[] {m, n}, 'f');
            Nd4j.gemm(a, b, out, transposeA, transposeB, 1.0, 0.0);
            return out;
        }
        return Nd4j.matmul(a, b, transposeA, transposeB, false);
    }

    private static void checkMatmul(long[] a, long[] b) {
        int r = a.length;
        boolean ok = r >= 2 && b.length == r && a[r - 1] == b[r - 2]
                && Arrays.equals(Arrays.copyOf(a, r - 2), Arrays.copyOf(b, r - 2));
        if (!ok) {
            throw new IllegalArgumentException("matmul: shapes " + Arrays.toString(a) + " and "
                    + Arrays.toString(b) + " do not multiply (same batch dims, inner dims equal)");
        }
    }
}
