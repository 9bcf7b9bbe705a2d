package org.neurosweep.model.family;

import org.neurosweep.model.Architecture;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.Weights;
import org.neurosweep.model.block.FeedForward;
import org.neurosweep.model.block.Projection;

/**
 * Qwen2-MoE / Qwen1.5-MoE: Qwen2 attention (q/k/v bias); sparse layers (per {@code decoder_sparse_step} and
 * {@code mlp_only_layers}) hold routed experts plus a shared expert scaled by σ(shared_expert_gate·x); the other
 * layers a dense MLP of {@code intermediate_size}.
 */
public final class Qwen2Moe implements Architecture {

    @Override
    public CausalLM bind(ModelConfig c, Weights w) {
        return Decoders.llamaStyle(c, w, Decoders.QkNorm.NONE, l -> ffn(c, w, l));
    }

    /** Layer {@code layer}'s FFN: dense, or routed experts plus the shared expert when the config has one. */
    static FeedForward ffn(ModelConfig c, Weights w, int layer) {
        String p = "model.layers." + layer + ".mlp.";
        if (!c.moe().isSparse(layer)) {
            return Decoders.gatedMlp(c, w, p, c.intermediateSize());
        }
        boolean shared = c.moe().hasSharedExpert();
        return Decoders.sparseMoe(c, w, new Decoders.ExpertNames(p, "gate_proj", "up_proj", "down_proj"),
                shared ? Decoders.gatedMlp(c, w, p + "shared_expert.", c.moe().sharedExpertIntermediateSize()) : null,
                shared ? Projection.bind(w, p + "shared_expert_gate", c.hiddenSize(), 1, false) : null);
    }
}
