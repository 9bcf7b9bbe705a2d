package org.neurosweep.train;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Var;

/** Plain stochastic gradient descent: p ← p − lr · g. */
public final class Sgd extends GradientStep {

    public Sgd(List<Var> params) {
        super(params);
    }

    @Override
    INDArray delta(INDArray grad, double learningRate) {
        return grad.mul(learningRate);
    }
}
