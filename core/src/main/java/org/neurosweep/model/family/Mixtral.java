package org.neurosweep.model.family;

import org.neurosweep.model.Architecture;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.Weights;

/** Mixtral: Llama attention, every layer a sparse MoE ({@code block_sparse_moe}, experts w1/w3/w2), top-k renormalised. */
public final class Mixtral implements Architecture {

    @Override
    public CausalLM bind(ModelConfig c, Weights w) {
        return Decoders.llamaStyle(c, w, Decoders.QkNorm.NONE, l -> Decoders.sparseMoe(c, w,
                new Decoders.ExpertNames("model.layers." + l + ".block_sparse_moe.", "w1", "w3", "w2"), null, null));
    }
}
