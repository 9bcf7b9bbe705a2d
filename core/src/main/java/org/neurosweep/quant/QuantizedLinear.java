package org.neurosweep.quant;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A group-wise asymmetric low-bit linear weight, in the hub orientation (out, in):
 * {@code W[o,i] = s[o,G(i)] · ((Q[o,i] − z[o,G(i)]) + δ[o,G(i)])}.
 *
 * <p>{@code codes} Q (out, in) hold integers in [0, qmax], {@code zeros} z (out, groups) integers (the true zero
 * point, GPTQ "v2"), {@code scales} s (out, groups) fp16-representable floats, all as fp32 arrays. {@code delta} δ
 * (out, groups) is null for a plain quantized layer and holds LoTA-QAF's float zero-point offsets after a merge.
 * {@link #weight()} is the one evaluation order used both by training and by merged inference, so the two agree bit
 * for bit: the integer part {@code Q − z} is exact, then δ is added, then the scale multiplies.
 */
public record QuantizedLinear(int bits, GroupIndex groups, INDArray codes, INDArray zeros, INDArray scales,
                              INDArray delta) {

    public QuantizedLinear {
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("bits must lie in 2..8, got " + bits);
        }
        long out = codes.size(0);
        checkShape("codes", codes, out, groups.in());
        checkShape("zeros", zeros, out, groups.groups());
        checkShape("scales", scales, out, groups.groups());
        if (delta != null) {
            checkShape("delta", delta, out, groups.groups());
        }
    }

    private static void checkShape(String name, INDArray a, long rows, long cols) {
        if (a.rank() != 2 || a.size(0) != rows || a.size(1) != cols || a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException(name + " must be FLOAT (" + rows + ", " + cols + "), got "
                    + a.dataType() + " " + Arrays.toString(a.shape()));
        }
    }

    /** The largest code, 2^bits − 1. */
    public int qmax() {
        return (1 << bits) - 1;
    }

    public long out() {
        return codes.size(0);
    }

    public long in() {
        return codes.size(1);
    }

    /** The same layer with other codes (and offsets); scales, zeros and groups are shared. */
    public QuantizedLinear withCodes(INDArray newCodes, INDArray newDelta) {
        return new QuantizedLinear(bits, groups, newCodes, zeros, scales, newDelta);
    }

    /** The dequantized weight (out, in), c-order, fresh. */
    public INDArray weight() {
        INDArray w = codes.sub(groups.expand(zeros));          // exact: integers
        if (delta != null) {
            w.addi(groups.expand(delta));
        }
        return w.muli(groups.expand(scales));
    }
}
