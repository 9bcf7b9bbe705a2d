package org.neurosweep.model.family;

import org.neurosweep.model.Architecture;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.Weights;

/** OLMoE: q/k RMSNorm over the whole projection, optional {@code clip_qkv}, every layer a sparse MoE without shared expert. */
public final class Olmoe implements Architecture {

    @Override
    public CausalLM bind(ModelConfig c, Weights w) {
        return Decoders.llamaStyle(c, w, Decoders.QkNorm.WHOLE, l -> Decoders.sparseMoe(c, w,
                new Decoders.ExpertNames("model.layers." + l + ".mlp.", "gate_proj", "up_proj", "down_proj"), null, null));
    }
}
