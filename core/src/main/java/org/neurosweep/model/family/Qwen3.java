package org.neurosweep.model.family;

import org.neurosweep.model.Architecture;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.Weights;

/**
 * Qwen3 and Qwen3-MoE: Llama-style blocks with an RMSNorm over each head's q and k (q_norm, k_norm of width
 * head_dim) before RoPE. Qwen3-MoE's sparse layers (per {@code decoder_sparse_step} and {@code mlp_only_layers})
 * hold routed experts without a shared expert, the others a dense MLP, as in Qwen2-MoE.
 */
public final class Qwen3 implements Architecture {

    @Override
    public CausalLM bind(ModelConfig c, Weights w) {
        return Decoders.llamaStyle(c, w, Decoders.QkNorm.PER_HEAD, l -> c.isMoe() ? Qwen2Moe.ffn(c, w, l)
                : Decoders.gatedMlp(c, w, "model.layers." + l + ".mlp.", c.intermediateSize()));
    }
}
