package org.neurosweep.model.family;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Embedding;
import org.neurosweep.autograd.Shapes;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.Architecture;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.Transformer;
import org.neurosweep.model.Weights;
import org.neurosweep.model.block.DecoderBlock;
import org.neurosweep.model.block.DecoderBlock.NormPlacement;
import org.neurosweep.model.block.ForwardContext;
import org.neurosweep.model.block.Mlp;
import org.neurosweep.model.block.Neurons;
import org.neurosweep.model.block.Norm;
import org.neurosweep.model.block.Projection;
import org.neurosweep.model.block.SelfAttention;

/**
 * BERT masked LM ({@code BertForMaskedLM}): a bidirectional encoder. Embedding = LayerNorm(word + absolute position +
 * token type 0); post-LayerNorm blocks (u = LN(h + attn(h)), h' = LN(u + mlp(u))) with biases everywhere and an exact
 * GELU MLP; the MLM head's transform (dense, GELU, LayerNorm: our {@code final_norm}) and its decoder tied to the word
 * embeddings, with its own bias. Every input row is one segment (token type 0); positions are the batch's, i.e. HF's
 * 0, 1, 2, ... for unpadded or right-padded rows.
 */
public final class Bert implements Architecture {

    @Override
    public CausalLM bind(ModelConfig c, Weights w) {
        long d = c.hiddenSize();
        long ffn = c.intermediateSize();
        List<DecoderBlock> blocks = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "bert.encoder.layer." + l + ".";
            String a = p + "attention.";
            long width = (long) c.numHeads() * c.headDim();
            SelfAttention attention = new SelfAttention(l, new SelfAttention.Separate(
                    Projection.bind(w, a + "self.query", d, width, true), Projection.bind(w, a + "self.key", d, width, true),
                    Projection.bind(w, a + "self.value", d, width, true)), null, null,
                    Projection.bind(w, a + "output.dense", width, d, true), Decoders.shape(c, l, false));
            Mlp mlp = new Mlp(Projection.bind(w, p + "intermediate.dense", d, ffn, true),
                    Projection.bind(w, p + "output.dense", ffn, d, true), c.activation());
            blocks.add(new DecoderBlock(l, NormPlacement.postResidual(layerNorm(c, w, a + "output.LayerNorm"),
                    layerNorm(c, w, p + "output.LayerNorm")), attention, mlp, false));
        }
        String e = "bert.embeddings.";
        Var words = w.table(e + "word_embeddings.weight", c.vocabSize(), d);
        Var positions = w.table(e + "position_embeddings.weight", c.maxPositions(), d);
        Var types = w.table(e + "token_type_embeddings.weight", c.typeVocabSize(), d);
        Norm embeddingNorm = layerNorm(c, w, e + "LayerNorm");
        Transformer.Embedder embedder = new Transformer.Embedder(words, 1.0, (x, ctx) -> embeddingNorm.apply(
                Elementwise.add(Elementwise.add(x, Embedding.embedding(positionIds(ctx), positions)),
                        Shapes.slice(types, 0, 0, 1))));
        Projection transform = Projection.bind(w, "cls.predictions.transform.dense", d, d, true);
        Norm transformNorm = layerNorm(c, w, "cls.predictions.transform.LayerNorm");
        Norm mlmTransform = x -> transformNorm.apply(Neurons.activate(c.activation(),
                transform.apply(x)));
        Var decoder = c.tieWordEmbeddings() ? null : w.projection("cls.predictions.decoder.weight", c.vocabSize(), d);
        return new Transformer(c, embedder, blocks,
                new Transformer.Head(mlmTransform, decoder, w.vector("cls.predictions.bias", c.vocabSize()), null),
                w.bound());
    }

    private static Norm layerNorm(ModelConfig c, Weights w, String name) {
        return Norm.layer(w, name, c.hiddenSize(), c.normEps());
    }

    // (b, t) position ids of this forward's tokens
    private static INDArray positionIds(ForwardContext ctx) {
        Batch batch = ctx.batch();
        int[] ids = new int[batch.size() * batch.length()];
        for (int r = 0; r < batch.size(); r++) {
            for (int j = 0; j < batch.length(); j++) {
                ids[r * batch.length() + j] = batch.position(r, j);
            }
        }
        return Nd4j.createFromArray(ids).reshape(batch.size(), batch.length());
    }
}
