package org.neurosweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Reductions;

/** Optimizer updates against scalar re-statements of their published update rules. */
class OptimizerTest {

    private static final double[] START = {0.5, -1.25, 2.0};

    /** Gradient of Σ c_i p_i² at p: 2 c p (a different scale per coordinate). */
    private static void backward(Var p) {
        INDArray c = Nd4j.createFromArray(1.0, 3.0, 0.2);
        try (Tape tape = Tape.record()) {
            tape.backward(Reductions.sum(Elementwise.mul(Var.constant(c), Elementwise.mul(p, p))));
        }
    }

    private static double grad(double p, int i) {
        return 2 * new double[] {1.0, 3.0, 0.2}[i] * p;
    }

    @Test
    void adamWFollowsPyTorchUpdateRule() {
        double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.05;
        Var p = Var.param(Nd4j.createFromArray(START.clone()));
        AdamW adam = new AdamW(List.of(p), b1, b2, eps, wd);
        double[] ref = START.clone(), m = new double[3], v = new double[3];
        for (int t = 1; t <= 5; t++) {
            backward(p);
            adam.step(lr);
            p.zeroGrad();
            for (int i = 0; i < 3; i++) {
                double g = grad(ref[i], i);
                ref[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, t)), vHat = v[i] / (1 - Math.pow(b2, t));
                ref[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(ref[i], p.value().getDouble(i), 1e-12);
        }
    }

    @Test
    void sgdAndSignSgdTakeTheirSteps() {
        Var a = Var.param(Nd4j.createFromArray(START.clone()));
        Var b = Var.param(Nd4j.createFromArray(START.clone()));
        backward(a);
        backward(b);
        new Sgd(List.of(a)).step(0.1);
        new SignSgd(List.of(b)).step(0.1);
        for (int i = 0; i < 3; i++) {
            double g = grad(START[i], i);
            assertEquals(START[i] - 0.1 * g, a.value().getDouble(i), 1e-12);
            assertEquals(START[i] - 0.1 * Math.signum(g), b.value().getDouble(i), 1e-12);
        }
    }

    @Test
    void clippingScalesTheGlobalNormDownToTheThreshold() {
        Var a = Var.param(Nd4j.createFromArray(START.clone()));
        Var b = Var.param(Nd4j.createFromArray(1.0, 1.0, 1.0));
        backward(a);
        backward(b);
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            expected += grad(START[i], i) * grad(START[i], i) + grad(1.0, i) * grad(1.0, i);
        }
        expected = Math.sqrt(expected);
        INDArray before = a.grad().dup();
        assertEquals(expected, GradientClipping.clipGlobalNorm(List.of(a, b), 1.0), 1e-12);
        assertEquals(1.0, GradientClipping.globalNorm(List.of(a, b)), 1e-5);
        assertEquals(before.getDouble(1) / before.getDouble(0), a.grad().getDouble(1) / a.grad().getDouble(0), 1e-12);
        assertEquals(1.0, GradientClipping.clipGlobalNorm(List.of(a, b), 5.0), 1e-5);
        assertEquals(1.0, GradientClipping.globalNorm(List.of(a, b)), 1e-5, "below the threshold nothing changes");
    }
}
