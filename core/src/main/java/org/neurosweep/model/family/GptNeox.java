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
        long ffn = c.intermediateSize();
        List<DecoderBlock> blocks = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "gpt_neox.layers." + l + ".";
            SelfAttention attention = new SelfAttention(l,
                    new SelfAttention.Fused(Projection.bind(w, p + "attention.query_key_value", d, 3 * d, c.qkvBias())),
                    null, null, Projection.bind(w, p + "attention.dense", d, d, c.outputBias()), Decoders.shape(c, l));
            Mlp mlp = new Mlp(Projection.bind(w, p + "mlp.dense_h_to_4h", d, ffn, c.mlpBias()),
                    Projection.bind(w, p + "mlp.dense_4h_to_h", ffn, d, c.mlpBias()), c.activation());
            blocks.add(new DecoderBlock(l, Norm.layer(w, p + "input_layernorm", d, c.normEps()), attention,
                    Norm.layer(w, p + "post_attention_layernorm", d, c.normEps()), mlp, c.parallelResidual()));
        }
        Var embedding = w.table("gpt_neox.embed_in.weight", c.vocabSize(), d);
        Norm finalNorm = Norm.layer(w, "gpt_neox.final_layer_norm", d, c.normEps());
        String head = w.has("embed_out.weight") ? "embed_out.weight" : "lm_head.weight";
        return new Transformer(c, embedding, blocks, finalNorm, Decoders.unembedding(c, w, head), w.bound());
    }
}
