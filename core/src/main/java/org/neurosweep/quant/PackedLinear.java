package org.neurosweep.quant;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;

/**
 * A quantized projection kept resident in its packed form for inference, dequantized right before each GEMM
 * ("dequantize on the fly"): {@code W[o,i] = s[o,G(i)] · ((Q[o,i] − z[o,G(i)]) + δ[o,G(i)])}, the same expression in
 * the same fp32 order as {@link QuantizedLinear#weight()}, so the GEMM sees bit for bit the weight a model
 * dequantized up front holds.
 *
 * <p>Resident layout (Java heap): {@code codes} int[out · in·b/32], row o's b-bit codes Q[o, ·] as GPTQ's little-endian
 * bit stream along the input axis ({@link GptqPacking}), rows one after another (the checkpoint's {@code qweight}
 * words transposed to output-major, so one output row is one contiguous run); {@code scales} and
 * {@code delta} (null: δ = 0) float[out · groups] and {@code zeros} byte[out · groups] (the integer zero points, 0..255
 * unsigned), row-major (out, groups); {@code groupOf} int[in], G(i). At 4 bits and g = 64 that is 0.5 + 5/64 bytes per
 * weight, 0.145 of fp32.
 *
 * <p>The fp32 weight exists only while its GEMM runs: {@link #dequantized()} writes it into a per-thread scratch
 * buffer sized to the largest projection the thread has dequantized (reused by every projection of every model in
 * that thread), or, while a tape records, into a fresh array of the forward's workspace, since a recorded GEMM's
 * backward reads W after later projections ran.
 */
public final class PackedLinear {

    private static final ThreadLocal<INDArray> SCRATCH = new ThreadLocal<>();

    private final int bits;
    private final int out;
    private final int in;
    private final int groups;
    private final int wordsPerRow;
    private final int[] codes;
    private final float[] scales;
    private final byte[] zeros;
    private final float[] delta;
    private final int[] groupOf;

    private PackedLinear(QuantizedLinear q) {
        this.bits = q.bits();
        this.out = (int) q.out();
        this.in = (int) q.in();
        this.groups = q.groups().groups();
        this.wordsPerRow = GptqPacking.wordsFor(in, bits);
        int[] q32 = q.codes().dup('c').data().asInt();                                 // (out, in)
        this.codes = GptqPacking.packColumns(q32, out, in, bits);                       // (out, in·b/32)
        this.scales = q.scales().dup('c').data().asFloat();                             // (out, groups)
        int[] z = q.zeros().dup('c').data().asInt();                                  // exact: integers in [0, qmax]
        this.zeros = new byte[z.length];
        for (int k = 0; k < z.length; k++) {
            zeros[k] = (byte) z[k];
        }
        this.delta = q.delta() == null ? null : q.delta().dup('c').data().asFloat();
        this.groupOf = q.groups().toArray();
    }

    /** Packs {@code q} (its codes, scales, zeros, δ and groups); {@code q}'s arrays are not kept. */
    public static PackedLinear of(QuantizedLinear q) {
        return new PackedLinear(q);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    /** Bytes this layer holds: codes, scales, zeros, δ and the group index. */
    public long residentBytes() {
        return 4L * (codes.length + scales.length + (delta == null ? 0 : delta.length) + groupOf.length) + zeros.length;
    }

    /**
     * W (in, out) f-order, the GEMM operand {@code Linear.linear} takes, as a constant: in this thread's scratch buffer
     * (valid until the thread's next call on any {@code PackedLinear}) when no tape records, else in a fresh array of
     * the current workspace.
     */
    public Var dequantized() {
        INDArray w = Tape.isRecording()
                ? Nd4j.createUninitialized(DataType.FLOAT, new long[] {in, out}, 'f')
                : scratch();
        dequantizeInto(w);
        return Var.constant(w);
    }

    /** Writes W into {@code target}, a contiguous f-order (in, out) FLOAT array: column o is output row o. */
    public void dequantizeInto(INDArray target) {
        if (target.ordering() != 'f' || target.size(0) != in || target.size(1) != out || target.dataType() != DataType.FLOAT
                || target.stride(1) != in) {
            throw new IllegalArgumentException("dequantizeInto needs a contiguous f-order FLOAT (" + in + ", " + out + ")");
        }
        FloatPointer dst = new FloatPointer(target.data().addressPointer());
        int[] q = new int[in];
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            GptqPacking.unpackRun(codes, o * wordsPerRow, in, bits, q);
            int at = o * groups;
            for (int i = 0; i < in; i++) {
                int g = at + groupOf[i];
                float v = q[i] - (zeros[g] & 0xff);                    // Q − z: exact, as in fp32
                if (delta != null) {
                    v += delta[g];
                }
                row[i] = v * scales[g];
            }
            dst.position((long) o * in).put(row, 0, in);
        }
    }

    // an f-order (in, out) view of this thread's scratch buffer, grown (outside any workspace) when too small
    private INDArray scratch() {
        long length = (long) in * out;
        INDArray buffer = SCRATCH.get();
        if (buffer == null || buffer.length() < length) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                buffer = Nd4j.createUninitialized(DataType.FLOAT, length);
            }
            SCRATCH.set(buffer);
        }
        return Nd4j.create(buffer.data(), new long[] {in, out}, new long[] {1, in}, 0, 'f');
    }
}
