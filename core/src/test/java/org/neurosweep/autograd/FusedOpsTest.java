package org.neurosweep.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ops that fuse a chain of primitives to hold less memory through a training step give, in fp32, the very values
 * and gradients of the chain they replace (the same arithmetic in the same order), so golden references stay valid.
 */
class FusedOpsTest {

    private static INDArray randn(long seed, long... shape) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed).nextGaussian('c', shape).castTo(DataType.FLOAT);
    }

    @Test
    void siluGatedEqualsSiluTimesUp() {
        INDArray gate = randn(1, 4, 6), up = randn(2, 4, 6), seed = randn(3, 4, 6);
        Var[] fused = {Var.param(gate.dup()), Var.param(up.dup())};
        Var[] chain = {Var.param(gate.dup()), Var.param(up.dup())};
        try (Tape tape = Tape.record()) {
            Var y = Activations.siluGated(fused[0], fused[1]);
            Var z = Elementwise.mul(Activations.silu(chain[0]), chain[1]);
            assertEquals(z.value(), y.value());
            tape.backward(y, seed);
            tape.backward(z, seed);
        }
        assertEquals(chain[0].grad(), fused[0].grad(), "gate gradient");
        assertEquals(chain[1].grad(), fused[1].grad(), "up gradient");
    }

    @Test
    void maskedSoftmaxEqualsScoresMaskSoftmax() {
        INDArray q = randn(4, 2, 2, 5, 8), k = randn(5, 2, 2, 5, 8), seed = randn(6, 2, 2, 5, 5);
        INDArray mask = Nd4j.zeros(DataType.FLOAT, 1, 1, 5, 5);
        for (int i = 0; i < 5; i++) {
            for (int j = i + 1; j < 5; j++) {
                mask.putScalar(new long[] {0, 0, i, j}, Float.NEGATIVE_INFINITY);
            }
        }
        Var[] fused = {Var.param(q.dup()), Var.param(k.dup())};
        Var[] chain = {Var.param(q.dup()), Var.param(k.dup())};
        try (Tape tape = Tape.record()) {
            Var p = Attention.maskedSoftmax(fused[0], fused[1], 0.125, mask, 2);
            Var r = Attention.softmax(Attention.addMask(Attention.scores(chain[0], chain[1], 0.125), mask));
            assertEquals(r.value(), p.value());
            tape.backward(p, seed);
            tape.backward(r, seed);
        }
        assertEquals(chain[0].grad(), fused[0].grad(), "q gradient");
        assertEquals(chain[1].grad(), fused[1].grad(), "k gradient");
    }

    /** From the second pass on, a weight's gradient GEMM writes into the buffer its last gradient left: same values. */
    @Test
    void weightGradientIntoRecycledBufferEqualsFreshOne() {
        INDArray x = randn(7, 6, 4), seed = randn(8, 6, 5);
        Var w = Var.param(randn(9, 4, 5).dup('f'));
        INDArray[] grads = new INDArray[2];
        INDArray firstValues = null;
        for (int pass = 0; pass < 2; pass++) {
            w.zeroGrad();
            try (Tape tape = Tape.record()) {
                tape.backward(Linear.linear(Var.constant(x), w, null), seed);
            }
            grads[pass] = w.grad();
            firstValues = firstValues == null ? w.grad().dup() : firstValues;
        }
        assertSame(grads[0], grads[1], "the second pass reuses the first's buffer");
        assertEquals(firstValues, grads[1]);
        assertTrue(x.transpose().mmul(seed).equalsWithEps(grads[1], 1e-5), "xᵀ·g");
    }
}
