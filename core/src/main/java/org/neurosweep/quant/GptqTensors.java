package org.neurosweep.quant;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.tensor.TensorSource;

/**
 * One quantized module in the Hugging Face GPTQ layout, under the module's name {@code m}:
 * {@code m.qweight} I32 (in·b/32, out), {@code m.qzeros} I32 (groups, out·b/32), {@code m.scales} (groups, out),
 * {@code m.g_idx} I32 (in), and, for a LoTA-QAF merge, {@code m.lota_delta} F32 (groups, out), the float zero-point
 * offsets δ (absent: δ = 0). Scales are written as F32 holding fp16 values, so nothing is rounded on the way.
 */
public final class GptqTensors {

    public static final String QWEIGHT = ".qweight";
    public static final String QZEROS = ".qzeros";
    public static final String SCALES = ".scales";
    public static final String G_IDX = ".g_idx";
    public static final String DELTA = ".lota_delta";

    private static final ThreadLocal<long[]> DENSE_DECODES = ThreadLocal.withInitial(() -> new long[1]);

    private GptqTensors() {
    }

    /** The module's tensors, by full name. */
    public static Map<String, INDArray> encode(String module, QuantizedLinear layer, ZeroFormat format) {
        int out = (int) layer.out();
        int in = (int) layer.in();
        int groups = layer.groups().groups();
        int bits = layer.bits();
        int[] codesT = layer.codes().transpose().dup('c').data().asInt();                  // (in, out)
        int[] zerosT = layer.zeros().transpose().dup('c').data().asInt();                  // (groups, out)
        for (int k = 0; k < zerosT.length; k++) {
            zerosT[k] = format.stored(zerosT[k]);
        }
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put(module + QWEIGHT, Nd4j.createFromArray(GptqPacking.packRows(codesT, in, out, bits))
                .reshape('c', GptqPacking.wordsFor(in, bits), out));
        t.put(module + QZEROS, Nd4j.createFromArray(GptqPacking.packColumns(zerosT, groups, out, bits))
                .reshape('c', groups, GptqPacking.wordsFor(out, bits)));
        t.put(module + SCALES, layer.scales().transpose().dup('c'));
        t.put(module + G_IDX, Nd4j.createFromArray(layer.groups().toArray()));
        if (layer.delta() != null) {
            t.put(module + DELTA, layer.delta().transpose().dup('c'));
        }
        return t;
    }

    /** Reads module {@code module} of {@code source}, checking the shapes against {@code bits} and {@code groupSize}. */
    public static QuantizedLinear decode(TensorSource source, String module, int bits, int groupSize, ZeroFormat format) {
        DENSE_DECODES.get()[0]++;
        int[] gIdx = ints(source, module + G_IDX);
        int in = gIdx.length;
        GroupIndex groups = GroupIndex.of(gIdx, groupSize);
        int out = outputs(source, module, in, bits);
        int[] codesT = GptqPacking.unpackRows(ints(source, module + QWEIGHT), in, out, bits);
        int[] zerosT = trueZeros(source, module, groups.groups(), out, bits, format);
        INDArray codes = floats(codesT, in, out);
        INDArray zeros = floats(zerosT, groups.groups(), out);
        INDArray scales = source.load(module + SCALES, 'c').transpose().dup('c');
        INDArray delta = source.contains(module + DELTA) ? source.load(module + DELTA, 'c').transpose().dup('c') : null;
        return new QuantizedLinear(bits, groups, codes, zeros, scales, delta);
    }

    /**
     * Reads module {@code module} of {@code source} straight into its packed form, the layer {@link #decode} then
     * {@link PackedLinear#of} give, without building any (out, in) array: {@code qweight} (in·b/32, out), {@code scales}
     * and {@code lota_delta} (groups, out) are loaded f-order, which lays their buffers out (out, ·) row-major as
     * {@link PackedLinear} holds them, and are kept as loaded; only the zero points are unpacked (to bytes).
     */
    public static PackedLinear decodePacked(TensorSource source, String module, int bits, int groupSize,
                                            ZeroFormat format) {
        int[] gIdx = ints(source, module + G_IDX);
        int groups = GroupIndex.check(gIdx, groupSize);
        int out = outputs(source, module, gIdx.length, bits);
        int[] words = ints(source, module + QZEROS);                                         // (groups, out·b/32)
        int perGroup = GptqPacking.wordsFor(out, bits);
        if (words.length != groups * perGroup) {
            throw new IllegalArgumentException(source.location() + ": " + module + QZEROS + " has " + words.length
                    + " words, not " + groups + " × " + perGroup);
        }
        int[] stored = new int[out];
        byte[] zeros = new byte[groups * out];                                               // (out, groups)
        for (int g = 0; g < groups; g++) {
            GptqPacking.unpackRun(words, g * perGroup, out, bits, stored);
            for (int o = 0; o < out; o++) {
                zeros[o * groups + g] = (byte) format.trueZero(stored[o]);
            }
        }
        INDArray delta = source.contains(module + DELTA) ? source.load(module + DELTA, 'f') : null;
        return new PackedLinear(bits, out, gIdx, groups, source.load(module + QWEIGHT, 'f'),
                source.load(module + SCALES, 'f'), zeros, delta);
    }

    /**
     * How many (out, in) fp32 arrays {@link #decode} has built in the calling thread (its codes, then its weight
     * where a caller dequantizes): a count for tests that check a load makes none.
     */
    static long denseDecodes() {
        return DENSE_DECODES.get()[0];
    }

    // the module's output width, from qweight's shape checked against (in·b/32, out)
    private static int outputs(TensorSource source, String module, int in, int bits) {
        long[] qshape = source.shape(module + QWEIGHT);
        if (qshape.length != 2 || qshape[0] != GptqPacking.wordsFor(in, bits)) {
            throw new IllegalArgumentException(source.location() + ": " + module + QWEIGHT + " has shape "
                    + java.util.Arrays.toString(qshape) + ", not (" + in + "·" + bits + "/32, out)");
        }
        return (int) qshape[1];
    }

    // the true zero points (groups, out), row-major
    private static int[] trueZeros(TensorSource source, String module, int groups, int out, int bits, ZeroFormat format) {
        int[] zerosT = GptqPacking.unpackColumns(ints(source, module + QZEROS), groups, out, bits);
        for (int k = 0; k < zerosT.length; k++) {
            zerosT[k] = format.trueZero(zerosT[k]);
        }
        return zerosT;
    }

    // row-major (rows, cols) ints → their transpose (cols, rows) as c-order floats
    private static INDArray floats(int[] values, int rows, int cols) {
        return Nd4j.createFromArray(values).reshape('c', rows, cols).castTo(DataType.FLOAT).transpose().dup('c');
    }

    private static int[] ints(TensorSource source, String name) {
        if (!source.contains(name)) {
            throw new IllegalArgumentException(source.location() + ": quantized tensor '" + name + "' is missing");
        }
        INDArray t = source.load(name, 'c');
        int[] values = t.data().asInt();
        t.close();                                                   // fresh and ours: freed now, not at a GC
        return values;
    }
}
