package org.neurosweep.autograd;

import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.tensor.HalfFloats;

/**
 * x·W + bias for a constant W (in, out) held in 16 bits (BFLOAT16 or HALF; a quantized-resident model's embedding
 * table or lm_head): W is widened to fp32 {@link #CHUNK} output columns at a time into a per-thread scratch block
 * (in, CHUNK), and each block's product fills its rows of the f-order result, so no fp32 copy of W exists beyond one
 * block. Widening is exact and each output is the dot product of the same fp32 values as with W widened up front.
 */
public final class Linear16 {

    /** Output columns widened at a time: (768, 1024) fp32 is 3 MB. */
    public static final int CHUNK = 1024;
    private static final ThreadLocal<INDArray> SCRATCH = new ThreadLocal<>();

    private Linear16() {
    }

    /**
     * x (..., in) → (..., out) c-order. W must be an f-order-contiguous (in, out) view (column j at offset j·in), as a
     * projection weight or the permuted (V, d) c-order embedding table is. Only x gets a gradient.
     */
    public static Var linear(Var x, Var w, Var bias) {
        INDArray wv = w.value();
        long[] xs = x.shape();
        long in = xs[xs.length - 1];
        if (wv.rank() != 2 || wv.size(0) != in || wv.stride(0) != 1 || wv.stride(1) != in
                || (wv.dataType() != DataType.BFLOAT16 && wv.dataType() != DataType.HALF)) {
            throw new IllegalArgumentException("linear16: x " + Arrays.toString(xs) + " needs a 16-bit f-order W (" + in
                    + ", out), got " + wv.dataType() + " " + Arrays.toString(wv.shape()));
        }
        long out = wv.size(1);
        long n = x.value().length() / in;
        INDArray x2 = xs.length == 2 ? x.value() : x.value().reshape('c', n, in);          // (N, in)
        INDArray yT = Nd4j.createUninitialized(DataType.FLOAT, new long[] {out, n}, 'f'); // (out, N)
        INDArray blockT = Nd4j.createUninitialized(DataType.FLOAT, new long[] {Math.min(CHUNK, out), n}, 'f');
        for (long j = 0; j < out; j += CHUNK) {
            long c = Math.min(CHUNK, out - j);
            INDArray part = c == blockT.size(0) ? blockT : Nd4j.createUninitialized(DataType.FLOAT, new long[] {c, n}, 'f');
            Linear.rowsTimesInto(x2, widen(wv, j, c), part);                                   // (c, N)
            yT.get(NDArrayIndex.interval(j, j + c), NDArrayIndex.all()).assign(part);
        }
        INDArray y2 = yT.transpose();                                                          // (N, out), c-layout
        if (bias != null) {
            y2.addiRowVector(bias.value());
        }
        long[] ys = xs.clone();
        ys[ys.length - 1] = out;
        return Tape.op(y2.reshape('c', ys), g -> {
            INDArray g2 = g.reshape('c', n, out);
            INDArray gx = Nd4j.zeros(DataType.FLOAT, n, in);
            for (long j = 0; j < out; j += CHUNK) {
                long c = Math.min(CHUNK, out - j);
                INDArray gj = g2.get(NDArrayIndex.all(), NDArrayIndex.interval(j, j + c));    // (N, c)
                gx.addi(Linear.mm(gj, widen(wv, j, c), false, true));
            }
            x.accumulateOwned(gx.reshape('c', xs));
        }, x);
    }

    // columns [j, j + c) of W widened into this thread's scratch: an f-order (in, c) FLOAT view, valid until the next call
    private static INDArray widen(INDArray w, long j, long c) {
        long in = w.size(0);
        int length = (int) (in * c);
        INDArray scratch = SCRATCH.get();
        if (scratch == null || scratch.length() < length) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                scratch = Nd4j.createUninitialized(DataType.FLOAT, Math.max(length, in * CHUNK));
            }
            SCRATCH.set(scratch);
        }
        short[] bits = new short[length];
        // ND4J's address pointer already includes a view's offset
        new ShortPointer(w.data().addressPointer()).position(j * in).get(bits, 0, length);
        float[] values = new float[length];
        boolean bf16 = w.dataType() == DataType.BFLOAT16;
        for (int k = 0; k < length; k++) {
            values[k] = bf16 ? HalfFloats.bf16ToFloat(bits[k]) : HalfFloats.halfToFloat(bits[k]);
        }
        new FloatPointer(scratch.data().addressPointer()).put(values, 0, length);
        return Nd4j.create(scratch.data(), new long[] {in, c}, new long[] {1, in}, 0, 'f');
    }
}
