package org.neurosweep.model.family;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.Transformer;
import org.neurosweep.model.Weights;
import org.neurosweep.model.block.DecoderBlock;
import org.neurosweep.model.block.FeedForward;
import org.neurosweep.model.block.GatedMlp;
import org.neurosweep.model.block.Norm;
import org.neurosweep.model.block.Projection;
import org.neurosweep.model.block.SelfAttention;
import org.neurosweep.model.block.SparseMoe;

/**
 * The pieces the Llama-style families share under HF's {@code model.*} names: RMSNorm pre-norm blocks,
 * {@code self_attn.{q,k,v,o}_proj}, SwiGLU MLPs and sparse MoE blocks of routed SwiGLU experts.
 */
final class Decoders {

    private Decoders() {
    }

    /** Names of one MoE block's router and experts: {@code <prefix>gate}, {@code <prefix>experts.E.<gate|up|down>}. */
    record ExpertNames(String prefix, String gate, String up, String down) {
    }

    /**
     * embed_tokens → layers (input_layernorm, self_attn, post_attention_layernorm, ffn(l)) → norm → lm_head (or the
     * tied embedding).
     */
    static Transformer llamaStyle(ModelConfig c, Weights w, boolean qkNorm, IntFunction<FeedForward> ffn) {
        List<DecoderBlock> blocks = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            blocks.add(new DecoderBlock(l, Norm.rms(w, p + "input_layernorm", c.hiddenSize(), c.normEps()),
                    attention(c, w, l, p + "self_attn.", qkNorm),
                    Norm.rms(w, p + "post_attention_layernorm", c.hiddenSize(), c.normEps()), ffn.apply(l), false));
        }
        Var embedding = w.table("model.embed_tokens.weight", c.vocabSize(), c.hiddenSize());
        Norm finalNorm = Norm.rms(w, "model.norm", c.hiddenSize(), c.normEps());
        return new Transformer(c, embedding, blocks, finalNorm, unembedding(c, w, "lm_head.weight"), w.bound());
    }

    /** The lm head {@code name} as (d, vocab) f-order, or null when the config ties it to the embedding. */
    static Var unembedding(ModelConfig c, Weights w, String name) {
        return c.tieWordEmbeddings() ? null : w.projection(name, c.vocabSize(), c.hiddenSize());
    }

    /** q/k/v/o projections under {@code prefix}; with {@code qkNorm}, RMSNorms q_norm/k_norm over the whole projection. */
    static SelfAttention attention(ModelConfig c, Weights w, int layer, String prefix, boolean qkNorm) {
        long d = c.hiddenSize();
        long qDim = (long) c.numHeads() * c.headDim();
        long kvDim = (long) c.numKvHeads() * c.headDim();
        SelfAttention.Separate qkv = new SelfAttention.Separate(Projection.bind(w, prefix + "q_proj", d, qDim, c.qkvBias()),
                Projection.bind(w, prefix + "k_proj", d, kvDim, c.qkvBias()),
                Projection.bind(w, prefix + "v_proj", d, kvDim, c.qkvBias()));
        Norm qNorm = qkNorm ? Norm.rms(w, prefix + "q_norm", qDim, c.normEps()) : null;
        Norm kNorm = qkNorm ? Norm.rms(w, prefix + "k_norm", kvDim, c.normEps()) : null;
        return new SelfAttention(layer, qkv, qNorm, kNorm, Projection.bind(w, prefix + "o_proj", qDim, d, c.outputBias()),
                shape(c, layer));
    }

    static SelfAttention.Shape shape(ModelConfig c, int layer) {
        return new SelfAttention.Shape(c.numHeads(), c.numKvHeads(), c.headDim(), c.window(layer), c.clipQkv());
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
