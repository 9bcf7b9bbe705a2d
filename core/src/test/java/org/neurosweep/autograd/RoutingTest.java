package org.neurosweep.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The router's decision computed in one Java pass (no tape) equals its composition of differentiable ops (tape):
 * same experts in the same order, same weights, with and without renormalisation, including tied logits and
 * experts blocked with −∞.
 */
class RoutingTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void javaPassEqualsTheComposedOps(boolean renormalize) {
        Nd4j.getRandom().setSeed(12);
        INDArray logits = Nd4j.randn(DataType.FLOAT, 40, 16).muli(3);
        logits.getRow(0).assign(0.5);                                         // all tied: lowest ids win
        logits.putScalar(1, 3, Float.NEGATIVE_INFINITY);                      // a blocked expert
        logits.putScalar(1, 7, Float.NEGATIVE_INFINITY);

        Routing.TopK fast = Routing.softmaxTopK(Var.constant(logits.dup()), 4, renormalize);
        Routing.TopK taped;
        try (Tape ignored = Tape.record()) {
            taped = Routing.softmaxTopK(Var.param(logits.dup()), 4, renormalize);
        }
        assertArrayEquals(taped.ids().toIntMatrix(), fast.ids().toIntMatrix());
        assertArrayEquals(new int[] {0, 1, 2, 3}, fast.ids().getRow(0).toIntVector(), "ties go to the lower id");
        for (int id : fast.ids().getRow(1).toIntVector()) {
            assertTrue(id != 3 && id != 7, "a blocked expert is never chosen");
        }
        double err = fast.values().value().sub(taped.values().value()).amaxNumber().doubleValue();
        assertTrue(err < 1e-6, "weights differ by " + err);
        if (renormalize) {
            INDArray sums = fast.values().value().sum(1);
            assertTrue(sums.sub(1.0).amaxNumber().doubleValue() < 1e-6, "renormalised weights sum to 1: " + sums);
        }
    }
}
