package org.neurosweep.train;

import java.util.List;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Var;

/** Plain stochastic gradient descent: p ← p − lr · g. */
public final class Sgd implements Optimizer {

    private final List<Var> params;

    public Sgd(List<Var> params) {
        this.params = List.copyOf(params);
    }

    @Override
    public void step(double learningRate) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (Var p : params) {
                if (p.grad() != null) {
                    p.value().subi(p.grad().mul(learningRate));
                }
            }
        }
    }

    @Override
    public List<Var> parameters() {
        return params;
    }
}
