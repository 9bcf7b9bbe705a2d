package org.neurosweep.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.neurosweep.autograd.PrimitiveGradientTest.randn;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** fp32 backwards against fp64 finite differences of the same function (relative error below 1e-3). */
class Fp32GradientTest {

    private static final double FP32_TOLERANCE = 1e-3;

    private static INDArray f32(INDArray a) {
        return a.castTo(DataType.FLOAT);
    }

    private static void check(String what, Function<Var[], Var> f, INDArray... inputs) {
        double err = GradCheck.maxRelError(f, inputs);
        assertTrue(err < FP32_TOLERANCE, what + ": relative error " + err);
    }

    @Test
    void transformerSublayers() {
        check("linear", in -> Linear.linear(in[0], in[1], in[2]),
                f32(randn(1, 2, 3, 8)), f32(randn(2, 8, 6)).dup('f'), f32(randn(3, 6)));
        check("rmsNorm", in -> Norms.rmsNorm(in[0], in[1], 1e-6), f32(randn(4, 2, 3, 8)), f32(randn(5, 8)));
        check("silu gate", in -> Elementwise.mul(Activations.silu(in[0]), in[1]), f32(randn(6, 3, 8)), f32(randn(7, 3, 8)));
        INDArray cos = f32(Transforms.cos(randn(8, 1, 3, 4))), sin = f32(Transforms.sin(randn(9, 1, 3, 4)));
        INDArray mask = Nd4j.zeros(DataType.FLOAT, 1, 1, 3, 3);
        mask.putScalar(new long[] {0, 0, 0, 2}, Float.NEGATIVE_INFINITY);
        check("attention", in -> {
            Var q = Rope.rope(in[0], cos, sin, 4), k = Rope.rope(in[1], cos, sin, 4);
            Var p = Attention.softmax(Attention.addMask(Attention.scores(q, k, 0.5), mask));
            return Attention.weighted(p, in[2]);
        }, f32(randn(10, 1, 2, 3, 4)), f32(randn(11, 1, 2, 3, 4)), f32(randn(12, 1, 2, 3, 4)));
        check("cross-entropy", in -> Losses.crossEntropy(in[0], new int[] {3, 0, -100}, -100), f32(randn(13, 3, 7)));
        check("js divergence", in -> Losses.jsDivergence(in[0], in[1]), f32(randn(14, 2, 7)), f32(randn(15, 2, 7)));
    }
}
