package org.neurosweep.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.neurosweep.autograd.PrimitiveGradientTest.randn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Recording rules of the tape: when ops record, where gradients land, how they accumulate. */
class TapeTest {

    @Test
    void opsRecordOnlyWithATapeAndAnInputRequiringGrad() {
        Var w = Var.param(randn(1, 3, 3));
        Var x = Var.constant(randn(2, 3, 3));
        assertFalse(Linear.matmul(x, w).requiresGrad(), "no tape open");
        try (Tape tape = Tape.record()) {
            assertTrue(Tape.isRecording());
            assertFalse(Linear.matmul(x, x).requiresGrad(), "no input requires grad");
            assertTrue(Linear.matmul(x, w).requiresGrad());
        }
        assertFalse(Tape.isRecording());
    }

    @Test
    void intermediatesReceiveTheirGradient() {
        Var x = Var.param(randn(1, 2, 4));
        Var y;
        try (Tape tape = Tape.record()) {
            y = Activations.silu(x);
            tape.backward(Reductions.sum(Elementwise.mul(y, y)));
        }
        assertEquals(y.value().mul(2), y.grad());
    }

    @Test
    void watchMakesAConstantActivationAGradientTarget() {
        INDArray a = randn(1, 2, 4);
        Var hook;
        try (Tape tape = Tape.record()) {
            Var activation = Activations.gelu(Var.constant(a));
            assertFalse(activation.requiresGrad());
            hook = activation.watch();
            Var out = Reductions.sum(Elementwise.mul(hook, hook));
            assertTrue(out.requiresGrad());
            tape.backward(out);
        }
        assertEquals(hook.value().mul(2), hook.grad());
    }

    @Test
    void parameterGradientsAccumulateUntilZeroed() {
        Var w = Var.param(randn(1, 4));
        for (int pass = 0; pass < 2; pass++) {
            try (Tape tape = Tape.record()) {
                tape.backward(Reductions.sum(Elementwise.scale(w, 3.0)));
            }
        }
        assertEquals(6.0, w.grad().getDouble(2), 1e-12);
        w.zeroGrad();
        assertNull(w.grad());
    }

    @Test
    void targetGradientsOutliveTheForwardWorkspace() {
        Var w = Var.param(randn(1, 3, 3));
        Var hook;
        WorkspaceConfiguration config = WorkspaceConfiguration.builder().initialSize(1 << 20).build();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(config, "tape-test");
             Tape tape = Tape.record()) {
            hook = Activations.silu(Linear.matmul(Var.constant(randn(2, 2, 3)), w)).watch();
            tape.backward(Reductions.sum(hook));
        }
        assertFalse(w.grad().isAttached());
        assertFalse(hook.grad().isAttached());
        assertEquals(1.0, hook.grad().getDouble(1, 1), 0.0);
    }

    @Test
    void nestedTapesRestoreTheOuterOne() {
        Var w = Var.param(randn(1, 2));
        try (Tape outer = Tape.record()) {
            try (Tape inner = Tape.record()) {
                inner.backward(Reductions.sum(w));
            }
            assertTrue(Tape.isRecording());
            outer.backward(Reductions.sum(Elementwise.scale(w, 2.0)));
        }
        assertEquals(3.0, w.grad().getDouble(0), 1e-12);
    }

    @Test
    void backwardRejectsANonScalarLossWithoutSeed() {
        Var w = Var.param(randn(1, 2, 2));
        try (Tape tape = Tape.record()) {
            Var out = Elementwise.scale(w, 2.0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tape.backward(out));
            assertTrue(e.getMessage().contains("scalar"));
        }
    }
}
