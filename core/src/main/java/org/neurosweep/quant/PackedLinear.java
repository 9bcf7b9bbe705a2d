package org.neurosweep.quant;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
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
 * <p>Resident layout, off-heap in ND4J buffers (as every other weight, so the process holds just these bytes; Java
 * arrays would leave the JVM's heap committed at a multiple of them): {@code codes} INT (out · in·b/32), row o's b-bit
 * codes Q[o, ·] as GPTQ's little-endian bit stream along the input axis ({@link GptqPacking}), rows one after another
 * (the checkpoint's {@code qweight} words transposed to output-major, so one output row is one contiguous run);
 * {@code scales} and {@code delta} (null: δ = 0) FLOAT (out · groups) and {@code zeros} BYTE (out · groups) (the
 * integer zero points, 0..255 unsigned), row-major (out, groups); and, on the heap, {@code groupOf} int[in], G(i). At
 * 4 bits and g = 64 that is 0.5 + 5/64 bytes per weight, 0.145 of fp32.
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
    private final INDArray codes;
    private final INDArray scales;
    private final INDArray zeros;
    private final INDArray delta;
    private final int[] groupOf;

    /**
     * @param codes  INT, its buffer (out, in·b/32) row-major: row o's code stream
     * @param scales FLOAT, its buffer (out, groups) row-major
     * @param zeros  integer zero points in 0..255, (out, groups) row-major
     * @param delta  FLOAT like {@code scales}, or null
     */
    PackedLinear(int bits, int out, int[] groupOf, int groups, INDArray codes, INDArray scales, byte[] zeros,
                 INDArray delta) {
        this.bits = bits;
        this.out = out;
        this.in = groupOf.length;
        this.groups = groups;
        this.wordsPerRow = GptqPacking.wordsFor(in, bits);
        checkBuffer("codes", codes, DataType.INT, (long) out * wordsPerRow);
        checkBuffer("scales", scales, DataType.FLOAT, (long) out * groups);
        if (delta != null) {
            checkBuffer("delta", delta, DataType.FLOAT, (long) out * groups);
        }
        if (zeros.length != (long) out * groups) {
            throw new IllegalArgumentException("zeros must hold " + out + " × " + groups + " values, got " + zeros.length);
        }
        this.codes = codes;
        this.scales = scales;
        this.delta = delta;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            this.zeros = Nd4j.createFromArray(zeros);
        }
        this.groupOf = groupOf;
    }

    // a detached array whose whole buffer holds exactly `length` elements of `type`, read from address 0
    private static void checkBuffer(String name, INDArray a, DataType type, long length) {
        if (a.dataType() != type || a.length() != length || a.data().length() != length || a.isView()
                || a.isAttached()) {
            throw new IllegalArgumentException(name + " must be a detached " + type + " array of " + length
                    + " elements owning its buffer, got " + a.dataType() + " " + java.util.Arrays.toString(a.shape()));
        }
    }

    /** Packs {@code q} (its codes, scales, zeros, δ and groups); {@code q}'s arrays are not kept. */
    public static PackedLinear of(QuantizedLinear q) {
        int out = (int) q.out();
        int in = (int) q.in();
        int[] q32 = q.codes().dup('c').data().asInt();                                  // (out, in)
        int[] z = q.zeros().dup('c').data().asInt();                                    // exact: integers in [0, qmax]
        byte[] zeros = new byte[z.length];
        for (int k = 0; k < z.length; k++) {
            zeros[k] = (byte) z[k];
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return new PackedLinear(q.bits(), out, q.groups().toArray(), q.groups().groups(),
                    Nd4j.createFromArray(GptqPacking.packColumns(q32, out, in, q.bits())),    // (out, in·b/32)
                    q.scales().dup('c'), zeros, q.delta() == null ? null : q.delta().dup('c'));
        }
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    /** Bytes this layer holds: codes, scales, zeros, δ and the group index. */
    public long residentBytes() {
        return 4L * (codes.length() + scales.length() + (delta == null ? 0 : delta.length()) + groupOf.length)
                + zeros.length();
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
        IntPointer codeWords = new IntPointer(codes.data().addressPointer());       // fresh views: thread-safe
        FloatPointer scaleRows = new FloatPointer(scales.data().addressPointer());
        BytePointer zeroRows = new BytePointer(zeros.data().addressPointer());
        FloatPointer deltaRows = delta == null ? null : new FloatPointer(delta.data().addressPointer());
        int[] words = new int[wordsPerRow];
        float[] s = new float[groups];
        byte[] z = new byte[groups];
        float[] d = new float[groups];
        int[] q = new int[in];
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            long at = (long) o * groups;
            codeWords.position((long) o * wordsPerRow).get(words, 0, wordsPerRow);
            scaleRows.position(at).get(s, 0, groups);
            zeroRows.position(at).get(z, 0, groups);
            if (deltaRows != null) {
                deltaRows.position(at).get(d, 0, groups);
            }
            GptqPacking.unpackRun(words, 0, in, bits, q);
            for (int i = 0; i < in; i++) {
                int g = groupOf[i];
                float v = q[i] - (z[g] & 0xff);                        // Q − z: exact, as in fp32
                if (deltaRows != null) {
                    v += d[g];
                }
                row[i] = v * s[g];
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
