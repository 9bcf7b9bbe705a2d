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
    void aSuspensionRecordsNothingAndReactivatesTheTape() {
        Var w = Var.param(randn(1, 3, 3));
        Var x = Var.constant(randn(2, 3, 3));
        try (Tape tape = Tape.record()) {
            Var frozen;
            try (Tape.Suspension noGrad = Tape.suspend()) {
                assertFalse(Tape.isRecording());
                frozen = Linear.matmul(x, w);
                assertFalse(frozen.requiresGrad(), "no step recorded inside the suspension");
            }
            assertTrue(Tape.isRecording(), "the tape records again after it");
            Var y = Linear.matmul(frozen, w);
            tape.backward(Reductions.sum(y));
            // only the second product reaches w: the gradient of Σ(f·w) with f a constant
            Var w2 = Var.param(w.value().dup());
            try (Tape reference = Tape.record()) {
                reference.backward(Reductions.sum(Linear.matmul(Var.constant(frozen.value()), w2)));
            }
            assertEquals(w2.grad(), w.grad());
        }
        assertFalse(Tape.isRecording());
    }

    @Test
    void onlyGradientTargetsKeepTheirGradient() {
        Var x = Var.param(randn(1, 2, 4));
        Var hidden;
        Var watched;
        try (Tape tape = Tape.record()) {
            hidden = Activations.silu(x);
            watched = Activations.gelu(hidden).watch();
            tape.backward(Reductions.sum(Elementwise.mul(watched, watched)));
        }
        assertNull(hidden.grad(), "an unwatched intermediate");
        assertEquals(watched.value().mul(2), watched.grad());
        assertTrue(x.grad() != null);
    }

    @Test
    void segmentedBackwardInAWorkspaceMatchesTheChainRule() {
        // a chain of 3·64 + 5 steps: x → x·1.01 → … crosses several replay segments
        int n = 3 * Tape.SEGMENT_STEPS + 5;
        Var x = Var.param(randn(3, 4, 5));
        Var mid;
        WorkspaceConfiguration config = WorkspaceConfiguration.builder().initialSize(1 << 20).build();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(config, "tape-chain");
             Tape tape = Tape.record()) {
            Var h = x;
            Var kept = null;
            for (int i = 0; i < n; i++) {
                h = Elementwise.add(Elementwise.scale(h, 1.01), Elementwise.scale(x, 0.0));
                if (i == n / 2) {
                    kept = h.watch();
                    h = kept;
                }
            }
            mid = kept;
            tape.backward(Reductions.sum(h));
        }
        // d/dx = 1.01^n everywhere; d/dmid = 1.01^(n − 1 − n/2)
        assertEquals(Math.pow(1.01, n), x.grad().getDouble(2, 3), 1e-9);
        assertEquals(Math.pow(1.01, n - 1 - n / 2), mid.grad().getDouble(0, 0), 1e-9);
        assertFalse(x.grad().isAttached());
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
