package org.neurosweep.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Rint;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Round-to-nearest asymmetric group quantization, with GPTQ's grid per (output row, group): the range is widened to
 * include 0, {@code xmin = min(min W, 0)}, {@code xmax = max(max W, 0)} (a group of zeros gets [−1, 1]);
 * {@code s = (xmax − xmin) / qmax} rounded to fp16 (how checkpoints store it); {@code z = round(−xmin / s)} clamped to
 * [0, qmax]; {@code Q = clamp(round(W / s) + z, 0, qmax)}. Rounding is half to even, as {@code torch.round}.
 */
public final class RoundToNearest {

    private RoundToNearest() {
    }

    /** Quantizes a hub-layout weight (out, in) with contiguous groups of {@code groupSize} columns. */
    public static QuantizedLinear quantize(INDArray weight, int bits, int groupSize) {
        long out = weight.size(0);
        GroupIndex groups = GroupIndex.contiguous((int) weight.size(1), groupSize);
        int qmax = (1 << bits) - 1;
        INDArray grouped = weight.dup('c').reshape('c', out, groups.groups(), groupSize);
        INDArray xmin = Transforms.min(grouped.min(2), 0.0, false);                 // (out, groups)
        INDArray xmax = Transforms.max(grouped.max(2), 0.0, false);
        INDArray empty = xmin.eq(0.0).castTo(DataType.FLOAT).muli(xmax.eq(0.0).castTo(DataType.FLOAT));
        xmin.subi(empty);
        xmax.addi(empty);
        INDArray scales = xmax.sub(xmin).divi(qmax).castTo(DataType.HALF).castTo(DataType.FLOAT);
        INDArray zeros = clamp(rint(xmin.neg().divi(scales)), qmax);
        INDArray codes = rint(weight.div(groups.expand(scales))).addi(groups.expand(zeros));
        return new QuantizedLinear(bits, groups, clamp(codes, qmax).dup('c'), zeros.dup('c'), scales.dup('c'), null);
    }

    private static INDArray clamp(INDArray x, int qmax) {
        return Transforms.min(Transforms.max(x, 0.0, false), qmax, false);
    }

    /** Rounds in place to the nearest integer, ties to even. */
    private static INDArray rint(INDArray x) {
        return Nd4j.getExecutioner().exec(new Rint(x, x));
    }
}
