package org.neurosweep.train;

import java.util.List;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.autograd.Var;

/** sign-SGD (Bernstein et al.): p ← p − lr · sign(g); entries with a zero gradient stay put. */
public final class SignSgd implements Optimizer {

    private final List<Var> params;

    public SignSgd(List<Var> params) {
        this.params = List.copyOf(params);
    }

    @Override
    public void step(double learningRate) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (Var p : params) {
                if (p.grad() != null) {
                    p.value().subi(Transforms.sign(p.grad(), true).muli(learningRate));
                }
            }
        }
    }

    @Override
    public List<Var> parameters() {
        return params;
    }
}
