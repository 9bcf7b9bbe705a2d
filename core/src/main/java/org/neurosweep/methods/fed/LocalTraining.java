package org.neurosweep.methods.fed;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.CausalLM;
import org.neurosweep.train.AdamW;
import org.neurosweep.train.LearningRateSchedule;
import org.neurosweep.train.Optimizer;
import org.neurosweep.train.Sgd;
import org.neurosweep.train.StepLog;
import org.neurosweep.train.Trainer;
import org.neurosweep.train.TrainingConfig;

/**
 * A client's local training in one round: from the global weights already applied to {@code model}, {@code steps}
 * optimizer steps of {@link LocalObjective} over micro-batches drawn in seeded epochs, at a constant learning rate,
 * with a fresh optimizer every round (optimizer state does not travel between rounds).
 *
 * @param optimizer    {@code sgd} or {@code adamw} (PyTorch's defaults, no weight decay)
 * @param learningRate constant learning rate
 * @param steps        optimizer steps
 * @param microBatch   sequences per step
 * @param mu           μ, the weight of the pseudo-data term
 * @param seed         fixes the order of the examples
 */
public record LocalTraining(String optimizer, double learningRate, int steps, int microBatch, double mu, long seed)
        implements Serializable {

    public LocalTraining {
        if (!List.of("sgd", "adamw").contains(optimizer)) {
            throw new IllegalArgumentException("optimizer must be sgd or adamw, got " + optimizer);
        }
    }

    /** Trains {@code model} (trainable) in place on {@code data}; the step logs. */
    public List<StepLog> train(CausalLM model, List<FedExample> data, int padId) {
        List<Var> params = distinctParameters(model);
        Optimizer opt = "sgd".equals(optimizer) ? new Sgd(params) : new AdamW(params, 0.9, 0.999, 1e-8, 0);
        TrainingConfig config = new TrainingConfig(steps, Math.min(microBatch, data.size()), 1, 0, seed);
        return new Trainer<FedExample>(config, opt, LearningRateSchedule.constant(learningRate, 0))
                .train(data, new LocalObjective(model, padId, mu), log -> { });
    }

    /** The model's parameters, a Var bound under two names (a tied unembedding) once, in name order. */
    static List<Var> distinctParameters(CausalLM model) {
        Set<Var> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Var> out = new ArrayList<>();
        new java.util.TreeMap<>(model.parameters()).values().forEach(v -> {
            if (seen.add(v)) {
                out.add(v);
            }
        });
        return out;
    }
}
