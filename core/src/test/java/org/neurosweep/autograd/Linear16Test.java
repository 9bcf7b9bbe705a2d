package org.neurosweep.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A 16-bit weight widened block by block gives the outputs and input gradients of {@link Linear#linear} on the
 * weight widened up front (more than one block and a partial last block; many tokens and one, which takes the GEMV
 * path) to fp32 rounding, 1e-5 of the largest value: the operands are the same fp32 values, but OpenBLAS splits a
 * block's columns among its threads and between its full-width and edge kernels differently than the whole matrix's,
 * so a dot product's summation order can differ (measured: a few ulp), and the backward adds the blocks' products one
 * after another.
 */
public class Linear16Test {

    private static final long IN = 96;
    private static final long OUT = 2 * Linear16.CHUNK + 452;

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"BFLOAT16", "HALF"})
    void matchesTheWeightWidenedUpFront(DataType type) {
        Nd4j.getRandom().setSeed(3);
        INDArray w16 = Nd4j.randn(DataType.FLOAT, OUT, IN).castTo(type).transpose();          // (in, out) f-order view
        INDArray w32 = w16.castTo(DataType.FLOAT).dup('f');
        Var bias = Var.constant(Nd4j.randn(DataType.FLOAT, OUT));
        for (long[] shape : new long[][] {{2, 5, IN}, {1, IN}}) {
            INDArray x = Nd4j.randn(DataType.FLOAT, shape);
            Var expected = Linear.linear(Var.constant(x), Var.constant(w32), bias);
            Var actual = Linear16.linear(Var.constant(x), Var.constant(w16), bias);
            assertClose(expected.value().dup('c').data().asFloat(), actual.value().dup('c').data().asFloat());
        }

        INDArray x = Nd4j.randn(DataType.FLOAT, 3, IN);
        INDArray seed = Nd4j.randn(DataType.FLOAT, 3, OUT);
        assertClose(inputGradient(x, Var.constant(w32), seed, false), inputGradient(x, Var.constant(w16), seed, true));
    }

    @Test
    void rejectsAnFp32Weight() {
        Var w = Var.constant(Nd4j.ones(DataType.FLOAT, IN, 4).dup('f'));
        assertThrows(IllegalArgumentException.class,
                () -> Linear16.linear(Var.constant(Nd4j.ones(DataType.FLOAT, 1, IN)), w, null));
    }

    public static void assertClose(float[] expected, float[] actual) {
        float largest = 0;
        for (float v : expected) {
            largest = Math.max(largest, Math.abs(v));
        }
        assertArrayEquals(expected, actual, 1e-5f * largest);
    }

    private static float[] inputGradient(INDArray x, Var w, INDArray seed, boolean sixteen) {
        Var xv = Var.param(x.dup());
        try (Tape tape = Tape.record()) {
            Var y = sixteen ? Linear16.linear(xv, w, null) : Linear.linear(xv, w, null);
            tape.backward(y, seed);
        }
        return xv.grad().dup('c').data().asFloat();
    }
}
