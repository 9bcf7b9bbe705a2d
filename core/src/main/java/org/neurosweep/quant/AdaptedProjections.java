package org.neurosweep.quant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Var;
import org.neurosweep.autograd.Workspaces;
import org.neurosweep.train.Optimizer;

/**
 * Trains adapters through a model whose adapted projections run as plain dense weights: before every forward pass
 * each projection's weight holds its adapter's effective weight; after the backward pass the weight's gradient
 * (which the tape accumulated) is carried into the adapter's parameters ({@link WeightAdapter#backward}), the
 * adapters' optimizer updates them, and the new effective weights are written back into the model.
 *
 * <p>As an {@link Optimizer} for the {@link org.neurosweep.train.Trainer}, its {@link #parameters()} are the
 * projection weights (whose gradients the trainer clears each step); the learning rate goes to the inner optimizer.
 */
public final class AdaptedProjections implements Optimizer {

    private final Map<String, Var> weights = new LinkedHashMap<>();
    private final Map<String, WeightAdapter> adapters;
    private final Optimizer inner;
    private final String scratchId = "adapters-" + System.identityHashCode(this);

    /**
     * @param modelWeights the model's parameters by hub name; projection weights are held (in, out) f-order
     * @param adapters     the adapter of each adapted projection, by the hub name of its weight
     * @param optimizer    makes the optimizer of all the adapters' parameters
     */
    public AdaptedProjections(Map<String, Var> modelWeights, Map<String, ? extends WeightAdapter> adapters,
                              Function<List<Var>, Optimizer> optimizer) {
        this.adapters = new LinkedHashMap<>(adapters);
        List<Var> adapterParams = new ArrayList<>();
        for (Map.Entry<String, ? extends WeightAdapter> e : adapters.entrySet()) {
            Var w = modelWeights.get(e.getKey());
            if (w == null || !w.requiresGrad()) {
                throw new IllegalArgumentException("adapted projection '" + e.getKey()
                        + "' is not a trainable weight of the model");
            }
            weights.put(e.getKey(), w);
            adapterParams.addAll(e.getValue().parameters());
        }
        this.inner = optimizer.apply(adapterParams);
        refresh();
    }

    /** Writes every adapter's effective weight into its projection. */
    public void refresh() {
        weights.forEach((name, w) -> inScratch(() -> w.value().transpose().assign(adapters.get(name).effectiveWeight())));
    }

    @Override
    public void step(double learningRate) {
        weights.forEach((name, w) -> {
            if (w.grad() != null) {
                inScratch(() -> adapters.get(name).backward(w.grad().transpose()));
            }
        });
        inner.step(learningRate);
        inner.parameters().forEach(Var::zeroGrad);
        refresh();
    }

    // one layer's temporaries in a scratch workspace reused from layer to layer and step to step (allocating
    // weight-sized arrays outside a workspace costs milliseconds each); what outlives it is copied out: the model
    // weight is assigned in place, gradients are allocated outside workspaces by Var
    private void inScratch(Runnable work) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(Workspaces.SCRATCH, scratchId)) {
            work.run();
        }
    }

    @Override
    public List<Var> parameters() {
        return List.copyOf(weights.values());
    }

    /** The optimizer of the adapters' parameters. */
    public Optimizer inner() {
        return inner;
    }
}
