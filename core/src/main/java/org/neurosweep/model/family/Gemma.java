package org.neurosweep.model.family;

import org.neurosweep.model.Architecture;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.Weights;
import org.neurosweep.model.block.DecoderBlock.NormPlacement;
import org.neurosweep.model.block.Norm;
import org.neurosweep.tensor.HalfFloats;

/**
 * Gemma and Gemma-2: the embedding scaled by √d (rounded to the checkpoint's dtype, as HF holds that constant),
 * RMSNorms with scale 1 + w, GeGLU MLPs (tanh GELU), an explicit head_dim, tied embeddings. Gemma-2 adds a norm
 * after each sublayer inside its residual branch (post_attention_layernorm, post_feedforward_layernorm) to the
 * pre-norms (input_layernorm, pre_feedforward_layernorm), tanh soft-capping of attention scores and final logits,
 * sliding-window layers per {@code layer_types}, and scores scaled by query_pre_attn_scalar^-1/2 (all config values).
 */
public final class Gemma implements Architecture {

    @Override
    public CausalLM bind(ModelConfig c, Weights w) {
        long d = c.hiddenSize();
        Decoders.NormOf norm = (name, width) -> Norm.rmsUnitOffset(w, name, width, c.normEps());
        boolean second = c.modelType().equals("gemma2");
        return Decoders.modelLayers(c, w, norm, Decoders.QkNorm.NONE, p -> second
                        ? new NormPlacement(norm.of(p + "input_layernorm", d), norm.of(p + "post_attention_layernorm", d),
                                norm.of(p + "pre_feedforward_layernorm", d), norm.of(p + "post_feedforward_layernorm", d),
                                null, null)
                        : NormPlacement.preNorm(norm.of(p + "input_layernorm", d), norm.of(p + "post_attention_layernorm", d)),
                l -> Decoders.gatedMlp(c, w, "model.layers." + l + ".mlp.", c.intermediateSize()),
                embeddingScale(c));
    }

    /** √d as HF's Gemma multiplies the embedding by it: a constant of the checkpoint's dtype. */
    private static double embeddingScale(ModelConfig c) {
        return HalfFloats.roundedTo(c.dtype(), (float) Math.sqrt(c.hiddenSize()));
    }
}
