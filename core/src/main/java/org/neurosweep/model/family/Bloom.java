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
import org.neurosweep.model.block.Norm;

/**
 * BLOOM: word embeddings followed by a LayerNorm ({@code word_embeddings_layernorm}), pre-LayerNorm blocks with
 * BLOOM's per-head fused {@code query_key_value} and biases everywhere, ALiBi instead of rotary positions (its biases
 * travel with the attention mask), a tanh-GELU MLP of width 4d, {@code ln_f}, and an lm head tied to the embedding.
 */
public final class Bloom implements Architecture {

    @Override
    public CausalLM bind(ModelConfig c, Weights w) {
        long d = c.hiddenSize();
        List<DecoderBlock> blocks = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            blocks.add(GptNeox.fusedBlock(c, w, l, "transformer.h." + l + ".", "self_attention", false));
        }
        Var embedding = w.table("transformer.word_embeddings.weight", c.vocabSize(), d);
        Norm embeddingNorm = Norm.layer(w, "transformer.word_embeddings_layernorm", d, c.normEps());
        Norm finalNorm = Norm.layer(w, "transformer.ln_f", d, c.normEps());
        return new Transformer(c, new Transformer.Embedder(embedding, 1.0, (x, ctx) -> embeddingNorm.apply(x)), blocks,
                new Transformer.Head(finalNorm, Decoders.unembedding(c, w, "lm_head.weight"), null, null), w.bound());
    }
}
