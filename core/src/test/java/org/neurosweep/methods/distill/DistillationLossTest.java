package org.neurosweep.methods.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.autograd.GradCheck;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;
import org.neurosweep.train.CausalLmBatch;

/** The KD and swing losses: gradients against finite differences, and the swing spec's invariants (§3(g)). */
class DistillationLossTest {

    private static final int IGNORE = CausalLmBatch.IGNORE_INDEX;
    private static final int[] TARGETS = {3, IGNORE, 0, 5, 2};
    private static final double[] RHO = {0, 0, 1, 0.3, 1};

    private static INDArray randn(long seed, long... shape) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed).nextGaussian('c', shape).castTo(DataType.DOUBLE).muli(2);
    }

    @Test
    void kdGradientMatchesFiniteDifferences() {
        INDArray teacher = randn(1, 5, 7);
        double err = GradCheck.maxRelError(in -> DistillationLoss.kd(in[0], teacher, TARGETS, 2.0, 0.5), randn(2, 5, 7));
        assertTrue(err < 1e-6, "relative error " + err);
    }

    @Test
    void swingGradientMatchesFiniteDifferencesWithNoiseOn() {
        INDArray teacher = randn(3, 5, 7);
        SwingSettings settings = new SwingSettings(2, 20, 0.7, false, 0.5, 0.5, true);
        double err = GradCheck.maxRelError(
                in -> DistillationLoss.swing(in[0], teacher, TARGETS, RHO, settings, 11), randn(4, 5, 7));
        assertTrue(err < 1e-6, "relative error " + err);
    }

    @Test
    void withoutNoiseAndPrivacySwingIsTheKdBaselineBitForBit() {
        INDArray teacher = randn(5, 5, 7).castTo(DataType.FLOAT);
        INDArray student = randn(6, 5, 7).castTo(DataType.FLOAT);
        SwingSettings settings = new SwingSettings(2, 20, 0, false, 0.5, 0.5, true);
        Var a = Var.param(student.dup());
        Var b = Var.param(student.dup());
        double kd;
        double swing;
        try (Tape tape = Tape.record()) {
            Var loss = DistillationLoss.kd(a, teacher, TARGETS, 2.0, 0.5);
            tape.backward(loss);
            kd = loss.value().getDouble(0);
        }
        try (Tape tape = Tape.record()) {
            Var loss = DistillationLoss.swing(b, teacher, TARGETS, new double[5], settings, 99);
            tape.backward(loss);
            swing = loss.value().getDouble(0);
        }
        assertEquals(Double.doubleToLongBits(kd), Double.doubleToLongBits(swing), "loss " + kd + " vs " + swing);
        assertEquals(a.grad(), b.grad(), "gradients");
        assertTrue(kd > 0);
    }

    @Test
    void kdLossIsTheTextbookFormula() {
        INDArray teacher = randn(7, 5, 7);
        INDArray student = randn(8, 5, 7);
        double tau = 3;
        double lambda = 0.25;
        double sum = 0;
        int counted = 0;
        for (int t = 0; t < TARGETS.length; t++) {
            if (TARGETS[t] == IGNORE) {
                continue;
            }
            counted++;
            INDArray q = Transforms.softmax(teacher.getRow(t).div(tau).reshape(1, 7), true);
            INDArray logP = Transforms.log(Transforms.softmax(student.getRow(t).div(tau).reshape(1, 7), true), true);
            double kl = q.mul(Transforms.log(q, true).sub(logP)).sumNumber().doubleValue();
            double ce = -Transforms.log(Transforms.softmax(student.getRow(t).reshape(1, 7), true), true).getDouble(0, TARGETS[t]);
            sum += (1 - lambda) * ce + lambda * tau * tau * kl;
        }
        double loss = DistillationLoss.kd(Var.constant(student), teacher, TARGETS, tau, lambda).value().getDouble(0);
        assertEquals(sum / counted, loss, 1e-12);
    }

    @Test
    void softTargetsAreDistributionsWhoseEntropyGrowsWithTheTemperature() {
        INDArray teacher = randn(9, 3, 50);
        double[] rho = {1, 1, 1};
        double previous = -1;
        for (double tauHigh : new double[] {2, 3, 5, 10, 20, 100, 1e6}) {
            SwingSettings s = new SwingSettings(2, tauHigh, 0.5, false, 0.5, 0.5, true);
            INDArray q = DistillationLoss.swingTargets(teacher, rho, s, 3);
            assertTrue(q.minNumber().doubleValue() >= 0, "q ≥ 0");
            INDArray sums = q.sum(1);
            for (int r = 0; r < 3; r++) {
                assertEquals(1.0, sums.getDouble(r), 1e-12, "Σ q = 1");
            }
            double entropy = -q.mul(Transforms.log(q, true)).sumNumber().doubleValue();
            assertTrue(entropy >= previous - 1e-12, "entropy at τ_high " + tauHigh + ": " + entropy + " < " + previous);
            previous = entropy;
        }
        assertEquals(3 * Math.log(50), previous, 1e-6, "τ_high → ∞: uniform soft targets at private positions");
    }

    @Test
    void noiseIsLaplaceWithTheConfiguredScaleAndOnlyWhereAsked() {
        INDArray teacher = Nd4j.zeros(DataType.DOUBLE, 4, 20000);
        double[] rho = {0, 1, 0, 1};
        INDArray everywhere = DistillationLoss.noisyTeacher(teacher, rho, new SwingSettings(2, 20, 0.5, false, 0.5, 0.5, true),
                DistillationLoss.laplace(teacher, 0.5, 1));
        // Laplace(0, b): E|η| = b, Var η = 2b²
        assertEquals(0.5, Transforms.abs(everywhere).meanNumber().doubleValue(), 0.01);
        assertEquals(0.5, everywhere.varNumber().doubleValue(), 0.02);
        INDArray privateOnly = DistillationLoss.noisyTeacher(teacher, rho, new SwingSettings(2, 20, 0.5, true, 0.5, 0.5, true),
                DistillationLoss.laplace(teacher, 0.5, 1));
        assertEquals(0.0, privateOnly.getRow(0).amaxNumber().doubleValue(), 0.0);
        assertEquals(0.0, privateOnly.getRow(2).amaxNumber().doubleValue(), 0.0);
        assertTrue(privateOnly.getRow(1).amaxNumber().doubleValue() > 1);
    }
}
