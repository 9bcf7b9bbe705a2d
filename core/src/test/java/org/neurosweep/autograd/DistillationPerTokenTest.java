package org.neurosweep.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link Losses#distillationPerToken} (one op, a row kernel in double) against the same loss composed of the
 * primitive ops it replaces in the distillation step — cross-entropy per token, the KL divergence of the
 * temperature-scaled logits, the weights — in value and gradient, on rows with per-row temperatures, ignored targets
 * and zero weights, in fp64 (to rounding) and fp32 (to the fp32 composition's own precision).
 */
class DistillationPerTokenTest {
    private static final int[] TARGETS = {3, -100, 0, 6, 2};
    private static final double[] TAUS = {2, 2, 1, 20, 7.5};
    private static final double[] CE = {0.5, 0, 1, 0, 0.25};
    private static final double[] KL = {2, 0, 0, 400, 42.1875};

    @Test
    void equalsTheCompositionOfPrimitivesInFp64() {
        compare(DataType.DOUBLE, 1e-12);
    }

    @Test
    void equalsTheCompositionOfPrimitivesInFp32() {
        compare(DataType.FLOAT, 1e-5);
    }

    @Test
    void rejectsMismatchedShapes() {
        Var student = Var.param(Nd4j.rand(DataType.DOUBLE, 5, 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.distillationPerToken(
                student, Nd4j.rand(DataType.DOUBLE, 5, 7), TARGETS, -100, TAUS, CE, KL));
        assertTrue(e.getMessage().contains("[5, 7]"), e.getMessage());
    }

    private static void compare(DataType dtype, double tolerance) {
        INDArray z = PrimitiveGradientTest.randn(11, 5, 8).muli(3).castTo(dtype);
        INDArray s = PrimitiveGradientTest.randn(12, 5, 8).muli(3).castTo(dtype);
        INDArray g = PrimitiveGradientTest.randn(13, 5).castTo(dtype);

        Var fusedIn = Var.param(z.dup());
        INDArray fused;
        try (Tape tape = Tape.record()) {
            Var out = Losses.distillationPerToken(fusedIn, s, TARGETS, -100, TAUS, CE, KL);
            fused = out.value().dup();
            tape.backward(out, g);
        }
        Var composedIn = Var.param(z.dup());
        INDArray composed;
        try (Tape tape = Tape.record()) {
            INDArray tau = Nd4j.createFromArray(TAUS).castTo(dtype).reshape(5, 1);
            Var soft = Losses.klDivergence(Var.constant(s.divColumnVector(tau)), Elementwise.div(composedIn, Var.constant(tau)));
            Var hard = Losses.crossEntropyPerToken(composedIn, TARGETS, -100);
            Var out = Elementwise.add(Elementwise.mul(hard, Var.constant(Nd4j.createFromArray(CE).castTo(dtype))),
                    Elementwise.mul(soft, Var.constant(Nd4j.createFromArray(KL).castTo(dtype))));
            composed = out.value().dup();
            tape.backward(out, g);
        }
        assertEquals(dtype, fused.dataType());
        assertEquals(0.0, fused.getDouble(1), 0.0, "an ignored row with zero weights");
        assertTrue(relative(fused, composed) < tolerance, "values: relative error " + relative(fused, composed));
        assertTrue(relative(fusedIn.grad(), composedIn.grad()) < tolerance,
                "gradients: relative error " + relative(fusedIn.grad(), composedIn.grad()));
    }

    private static double relative(INDArray a, INDArray b) {
        INDArray ad = a.castTo(DataType.DOUBLE);
        INDArray bd = b.castTo(DataType.DOUBLE);
        return Transforms.abs(ad.sub(bd)).maxNumber().doubleValue() / Math.max(1e-300, Transforms.abs(bd).maxNumber().doubleValue());
    }
}
