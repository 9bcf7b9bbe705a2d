package org.neurosweep.train;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.autograd.Var;
import org.neurosweep.autograd.Workspaces;

/**
 * AdamW (Loshchilov &amp; Hutter), with PyTorch's arithmetic: decoupled decay p ← p·(1 − lr·λ), then
 * p ← p − lr · m̂ / (√v̂ + ε) with bias-corrected moments. ND4J's Adam updater adds ε to the
 * uncorrected √v, which changes the early steps, so the update is written here.
 */
public final class AdamW implements Optimizer {

    private final String scratchId = "adamw-" + System.identityHashCode(this);
    private final List<Var> params;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final List<INDArray> firstMoment = new ArrayList<>();
    private final List<INDArray> secondMoment = new ArrayList<>();
    private long steps;

    public AdamW(List<Var> params, double beta1, double beta2, double eps, double weightDecay) {
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1 || eps <= 0 || weightDecay < 0) {
            throw new IllegalArgumentException("AdamW: need 0 ≤ β1, β2 < 1, ε > 0, weight decay ≥ 0; got β1="
                    + beta1 + " β2=" + beta2 + " ε=" + eps + " weight decay=" + weightDecay);
        }
        this.params = List.copyOf(params);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (Var p : this.params) {
                // laid out like the weight, so that the update runs over contiguous memory
                firstMoment.add(Nd4j.create(p.dataType(), p.shape(), p.value().ordering()));
                secondMoment.add(Nd4j.create(p.dataType(), p.shape(), p.value().ordering()));
            }
        }
    }

    /** PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, weight decay 0.01. */
    public static AdamW withDefaults(List<Var> params) {
        return new AdamW(params, 0.9, 0.999, 1e-8, 0.01);
    }

    @Override
    public void step(double learningRate) {
        steps++;
        double correction1 = 1 - Math.pow(beta1, steps);
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(beta2, steps));
        for (int i = 0; i < params.size(); i++) {
            Var p = params.get(i);
            INDArray g = p.grad();
            if (g == null) {
                continue;
            }
            // m, v and the weight live outside workspaces and are updated in place; one temporary of the
            // parameter's size, reused for each term, goes to a scratch workspace reused by every parameter and step
            // (allocating it outside a workspace costs more than the arithmetic, DESIGN.md, performance)
            try (MemoryWorkspace ignored =
                         Nd4j.getWorkspaceManager().getAndActivateWorkspace(Workspaces.STEADY, scratchId)) {
                INDArray term = g.mul(1 - beta1);
                INDArray m = firstMoment.get(i).muli(beta1).addi(term);
                INDArray v = secondMoment.get(i).muli(beta2).addi(term.assign(g).muli(g).muli(1 - beta2));
                INDArray w = p.value();
                if (weightDecay != 0) {
                    w.muli(1 - learningRate * weightDecay);
                }
                INDArray denom = Transforms.sqrt(term.assign(v), false).divi(sqrtCorrection2).addi(eps);
                w.subi(denom.rdivi(m).muli(learningRate / correction1));
            }
        }
    }

    @Override
    public List<Var> parameters() {
        return params;
    }
}
