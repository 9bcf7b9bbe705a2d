package org.neurosweep.model.family;

import java.util.ArrayList;
import java.util.List;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.Architecture;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.Transformer;
import org.neurosweep.model.Weights;
import org.neurosweep.model.block.DecoderBlock;
import org.neurosweep.model.block.Mlp;
import org.neurosweep.model.block.Norm;
import org.neurosweep.model.block.Projection;
import org.neurosweep.model.block.SelfAttention;

/**
 * GPT-NeoX (Pythia): LayerNorm with bias, fused per-head query_key_value, partial rotary, GELU MLP with biases,
 * parallel or sequential residual; the lm head is {@code embed_out} on the hub ({@code lm_head} in newer saves).
 */
public final class GptNeox implements Architecture {

    @Override
    public CausalLM bind(ModelConfig c, Weights w) {
        long d = c.hiddenSize();
        List<DecoderBlock> blocks = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            blocks.add(fusedBlock(c, w, l, "gpt_neox.layers." + l + ".", "attention", c.parallelResidual()));
        }
        Var embedding = w.table("gpt_neox.embed_in.weight", c.vocabSize(), d);
        Norm finalNorm = Norm.layer(w, "gpt_neox.final_layer_norm", d, c.normEps());
        String head = w.has("embed_out.weight") ? "embed_out.weight" : "lm_head.weight";
        return new Transformer(c, new Transformer.Embedder(embedding, 1.0, null), blocks,
                new Transformer.Head(finalNorm, Decoders.unembedding(c, w, head), null, null), w.bound());
    }

    /**
     * The pre-LayerNorm block GPT-NeoX and BLOOM share under {@code prefix}: input_layernorm, {@code <attention>.}
     * query_key_value (per-head q, k, v) and dense, post_attention_layernorm, mlp.dense_h_to_4h / dense_4h_to_h.
     */
    static DecoderBlock fusedBlock(ModelConfig c, Weights w, int layer, String prefix, String attentionName,
                                   boolean parallelResidual) {
        long d = c.hiddenSize();
        long ffn = c.intermediateSize();
        String a = prefix + attentionName + ".";
        SelfAttention attention = new SelfAttention(layer,
                new SelfAttention.Fused(Projection.bind(w, a + "query_key_value", d, 3 * d, c.qkvBias())),
                null, null, Projection.bind(w, a + "dense", d, d, c.outputBias()), Decoders.shape(c, layer, false));
        Mlp mlp = new Mlp(Projection.bind(w, prefix + "mlp.dense_h_to_4h", d, ffn, c.mlpBias()),
                Projection.bind(w, prefix + "mlp.dense_4h_to_h", ffn, d, c.mlpBias()), c.activation());
        return new DecoderBlock(layer, DecoderBlock.NormPlacement.preNorm(
                Norm.layer(w, prefix + "input_layernorm", d, c.normEps()),
                Norm.layer(w, prefix + "post_attention_layernorm", d, c.normEps())), attention, mlp, parallelResidual);
    }
}
