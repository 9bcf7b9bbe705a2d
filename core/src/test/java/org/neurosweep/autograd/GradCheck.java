package org.neurosweep.autograd;

import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Central finite differences against the tape's gradients. The objective is Σ seed ⊙ f(inputs) with a
 * fixed random seed of f's output shape, so every output element contributes. The numeric gradient
 * is always taken in fp64 (inputs widened); the analytic gradient is taken in the inputs' own dtype,
 * so a FLOAT run checks the fp32 backward against fp64 differences.
 */
public final class GradCheck {

    private static final double STEP = 1e-6;

    private GradCheck() {
    }

    /**
     * The largest, over the inputs, of max |analytic − numeric| / max |numeric| (the relative error of the
     * golden references, docs/reference-format.md). Every input is a param; constants belong in the closure.
     */
    public static double maxRelError(Function<Var[], Var> f, INDArray... inputs) {
        Var[] params = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            params[i] = Var.param(inputs[i].dup('c'));
        }
        INDArray seed;
        try (Tape tape = Tape.record()) {
            Var out = f.apply(params);
            seed = Nd4j.getRandomFactory().getNewRandomInstance(7).nextDouble('c', out.shape())
                    .subi(0.5).castTo(out.dataType());
            tape.backward(out, seed);
        }
        INDArray seed64 = seed.castTo(DataType.DOUBLE);
        INDArray[] wide = new INDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            wide[i] = inputs[i].castTo(DataType.DOUBLE).dup('c');
        }
        double worst = 0;
        for (int i = 0; i < inputs.length; i++) {
            INDArray analytic = params[i].grad() == null
                    ? Nd4j.zeros(DataType.DOUBLE, inputs[i].shape())
                    : params[i].grad().castTo(DataType.DOUBLE);
            INDArray numeric = numericGradient(f, wide, i, seed64);
            double scale = Math.max(numeric.amaxNumber().doubleValue(), 1e-12);
            worst = Math.max(worst, analytic.sub(numeric).amaxNumber().doubleValue() / scale);
        }
        return worst;
    }

    private static INDArray numericGradient(Function<Var[], Var> f, INDArray[] inputs, int which, INDArray seed) {
        INDArray x = inputs[which];
        INDArray flat = x.reshape(x.length());
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, x.length());
        for (long j = 0; j < x.length(); j++) {
            double v = flat.getDouble(j);
            flat.putScalar(j, v + STEP);
            double up = objective(f, inputs, seed);
            flat.putScalar(j, v - STEP);
            double down = objective(f, inputs, seed);
            flat.putScalar(j, v);
            grad.putScalar(j, (up - down) / (2 * STEP));
        }
        return grad.reshape(x.shape());
    }

    private static double objective(Function<Var[], Var> f, INDArray[] inputs, INDArray seed) {
        Var[] constants = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            constants[i] = Var.constant(inputs[i]);
        }
        return f.apply(constants).value().castTo(DataType.DOUBLE).mul(seed).sumNumber().doubleValue();
    }
}
