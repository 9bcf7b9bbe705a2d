package org.neurosweep.model.family;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.Transformer;
import org.neurosweep.model.Weights;
import org.neurosweep.model.block.DecoderBlock;
import org.neurosweep.model.block.DecoderBlock.NormPlacement;
import org.neurosweep.model.block.FeedForward;
import org.neurosweep.model.block.GatedMlp;
import org.neurosweep.model.block.Norm;
import org.neurosweep.model.block.Projection;
import org.neurosweep.model.block.SelfAttention;
import org.neurosweep.model.block.SparseMoe;

/**
 * The pieces the families under HF's {@code model.*} names share (Llama, Qwen, Mistral, Gemma, OLMo and their MoE
 * variants): {@code model.layers.l} blocks with the family's norms, {@code self_attn.{q,k,v,o}_proj}, gated MLPs and
 * sparse MoE blocks of routed gated experts.
 */
final class Decoders {

    private Decoders() {
    }

    /** Names of one MoE block's router and experts: {@code <prefix>gate}, {@code <prefix>experts.E.<gate|up|down>}. */
    record ExpertNames(String prefix, String gate, String up, String down) {
    }

    /** Where a family normalizes q and k: not at all, over the whole projection (OLMoE, OLMo-2), or per head (Qwen3). */
    enum QkNorm { NONE, WHOLE, PER_HEAD }

    /** How a family builds the norm stored under a hub name (its {@code .weight}, maybe {@code .bias}) of width n. */
    @FunctionalInterface
    interface NormOf {
        Norm of(String name, long width);
    }

    /** RMSNorm with the config's epsilon (the Llama family). */
    static NormOf rms(ModelConfig c, Weights w) {
        return (name, width) -> Norm.rms(w, name, width, c.normEps());
    }

    /**
     * embed_tokens → layers (input_layernorm, self_attn, post_attention_layernorm, ffn(l)) → norm → lm_head (or the
     * tied embedding).
     */
    static Transformer llamaStyle(ModelConfig c, Weights w, QkNorm qkNorm, IntFunction<FeedForward> ffn) {
        NormOf norm = rms(c, w);
        return modelLayers(c, w, norm, qkNorm, layer -> NormPlacement.preNorm(
                norm.of(layer + "input_layernorm", c.hiddenSize()),
                norm.of(layer + "post_attention_layernorm", c.hiddenSize())), ffn, 1.0);
    }

    /**
     * The {@code model.*} layout: embed_tokens (times {@code embeddingScale}) → model.layers.l (norms placed by
     * {@code placement}, given the layer's name prefix; self_attn; ffn(l)) → model.norm → lm_head or the tied
     * embedding, with the config's final soft-cap.
     */
    static Transformer modelLayers(ModelConfig c, Weights w, NormOf norm, QkNorm qkNorm,
                                   Function<String, NormPlacement> placement, IntFunction<FeedForward> ffn,
                                   double embeddingScale) {
        List<DecoderBlock> blocks = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            blocks.add(new DecoderBlock(l, placement.apply(p), attention(c, w, l, p + "self_attn.", qkNorm, norm),
                    ffn.apply(l), false));
        }
        Var embedding = w.table("model.embed_tokens.weight", c.vocabSize(), c.hiddenSize());
        Transformer.Head head = new Transformer.Head(norm.of("model.norm", c.hiddenSize()),
                unembedding(c, w, "lm_head.weight"), null, c.finalSoftcap());
        return new Transformer(c, new Transformer.Embedder(embedding, embeddingScale, null), blocks, head, w.bound());
    }

    /** The lm head {@code name} as (d, vocab) f-order, or null when the config ties it to the embedding. */
    static Var unembedding(ModelConfig c, Weights w, String name) {
        return c.tieWordEmbeddings() ? null : w.projection(name, c.vocabSize(), c.hiddenSize());
    }

    /** q/k/v/o projections under {@code prefix}, and the norms q_norm/k_norm that {@code qkNorm} asks for. */
    static SelfAttention attention(ModelConfig c, Weights w, int layer, String prefix, QkNorm qkNorm, NormOf norm) {
        long d = c.hiddenSize();
        long qDim = (long) c.numHeads() * c.headDim();
        long kvDim = (long) c.numKvHeads() * c.headDim();
        SelfAttention.Separate qkv = new SelfAttention.Separate(Projection.bind(w, prefix + "q_proj", d, qDim, c.qkvBias()),
                Projection.bind(w, prefix + "k_proj", d, kvDim, c.qkvBias()),
                Projection.bind(w, prefix + "v_proj", d, kvDim, c.qkvBias()));
        boolean perHead = qkNorm == QkNorm.PER_HEAD;
        Norm qNorm = qkNorm == QkNorm.NONE ? null : norm.of(prefix + "q_norm", perHead ? c.headDim() : qDim);
        Norm kNorm = qkNorm == QkNorm.NONE ? null : norm.of(prefix + "k_norm", perHead ? c.headDim() : kvDim);
        return new SelfAttention(layer, qkv, qNorm, kNorm, Projection.bind(w, prefix + "o_proj", qDim, d, c.outputBias()),
                shape(c, layer, perHead));
    }

    static SelfAttention.Shape shape(ModelConfig c, int layer, boolean qkNormPerHead) {
        return new SelfAttention.Shape(c.numHeads(), c.numKvHeads(), c.headDim(), c.window(layer), c.clipQkv(),
                c.attentionScale(), c.attnSoftcap(), qkNormPerHead);
    }

    /** A SwiGLU MLP {@code <prefix>gate_proj/up_proj/down_proj} of width {@code ffn}. */
    static GatedMlp gatedMlp(ModelConfig c, Weights w, String prefix, long ffn) {
        return GatedMlp.bind(w, prefix + "gate_proj", prefix + "up_proj", prefix + "down_proj", c.hiddenSize(), ffn,
                c.mlpBias(), c.activation());
    }

    /** Router and routed experts; {@code shared}/{@code sharedGate} null for families without a shared expert. */
    static SparseMoe sparseMoe(ModelConfig c, Weights w, ExpertNames names, GatedMlp shared, Projection sharedGate) {
        long d = c.hiddenSize();
        int experts = c.moe().numExperts();
        long ffn = c.moe().expertIntermediateSize();
        GatedMlp[] routed = new GatedMlp[experts];
        for (int e = 0; e < experts; e++) {
            String p = names.prefix() + "experts." + e + ".";
            routed[e] = GatedMlp.bindExpert(w, p + names.gate(), p + names.up(), p + names.down(), d, ffn, c.activation());
        }
        return new SparseMoe(Projection.bind(w, names.prefix() + "gate", d, experts, false), routed, c.moe().topK(),
                c.moe().normTopkProb(), shared, sharedGate);
    }
}
