package org.neurosweep.train;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.autograd.Var;

/** sign-SGD (Bernstein et al.): p ← p − lr · sign(g); entries with a zero gradient stay put. */
public final class SignSgd extends GradientStep {

    public SignSgd(List<Var> params) {
        super(params);
    }

    @Override
    INDArray delta(INDArray grad, double learningRate) {
        return Transforms.sign(grad, true).muli(learningRate);
    }
}
