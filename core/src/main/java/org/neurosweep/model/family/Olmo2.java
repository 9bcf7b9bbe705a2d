package org.neurosweep.model.family;

import org.neurosweep.model.Architecture;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.Weights;
import org.neurosweep.model.block.DecoderBlock.NormPlacement;

/**
 * OLMo-2: no pre-norms; RMSNorms on each sublayer's output inside its residual branch (post_attention_layernorm,
 * post_feedforward_layernorm); q/k RMSNorm over the whole projection, before RoPE; SwiGLU MLP.
 */
public final class Olmo2 implements Architecture {

    @Override
    public CausalLM bind(ModelConfig c, Weights w) {
        long d = c.hiddenSize();
        Decoders.NormOf norm = Decoders.rms(c, w);
        return Decoders.modelLayers(c, w, norm, Decoders.QkNorm.WHOLE,
                p -> NormPlacement.postSublayer(norm.of(p + "post_attention_layernorm", d),
                        norm.of(p + "post_feedforward_layernorm", d)),
                l -> Decoders.gatedMlp(c, w, "model.layers." + l + ".mlp.", c.intermediateSize()), 1.0);
    }
}
