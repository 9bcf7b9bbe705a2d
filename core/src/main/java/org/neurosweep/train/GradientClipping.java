package org.neurosweep.train;

import java.util.List;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Var;

/** Global-norm clipping (PyTorch's {@code clip_grad_norm_}). */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** ‖g‖₂ over all gradients of {@code params} (null gradients count as zero). */
    public static double globalNorm(List<Var> params) {
        double sumSquares = 0;
        for (Var p : params) {
            if (p.grad() != null) {
                double n = p.grad().norm2Number().doubleValue();
                sumSquares += n * n;
            }
        }
        return Math.sqrt(sumSquares);
    }

    /**
     * Scales all gradients by maxNorm / (‖g‖ + 1e-6) when that is below 1; returns the norm before
     * clipping, which is non-finite when some gradient is.
     */
    public static double clipGlobalNorm(List<Var> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max gradient norm must be > 0, got " + maxNorm);
        }
        double norm = globalNorm(params);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1 && Double.isFinite(norm)) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                for (Var p : params) {
                    if (p.grad() != null) {
                        p.grad().muli(coefficient);
                    }
                }
            }
        }
        return norm;
    }
}
