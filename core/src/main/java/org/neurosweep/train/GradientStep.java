package org.neurosweep.train;

import java.util.List;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Var;

/** A stateless optimizer that moves each parameter by a function of its own gradient alone: p ← p − delta(g, lr). */
abstract class GradientStep implements Optimizer {

    private final List<Var> params;

    GradientStep(List<Var> params) {
        this.params = List.copyOf(params);
    }

    /** The amount subtracted from a parameter whose gradient is {@code grad}: a fresh array; {@code grad} is left as is. */
    abstract INDArray delta(INDArray grad, double learningRate);

    @Override
    public final void step(double learningRate) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (Var p : params) {
                if (p.grad() != null) {
                    p.value().subi(delta(p.grad(), learningRate));
                }
            }
        }
    }

    @Override
    public final List<Var> parameters() {
        return params;
    }
}
