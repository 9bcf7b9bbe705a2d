package org.neurosweep.model.block;

import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.HookRun;
import org.neurosweep.hook.Layout;

/**
 * One transformer layer: an attention sublayer and a feed-forward sublayer, each on a residual branch, with the norms
 * where the family puts them ({@link NormPlacement}). With every optional norm absent (identity):
 * u = h + attn_out, h' = u + mlp_out, where
 * attn_out = attnOut(attn(attnIn(h))) and mlp_out = ffnOut(ffn(ffnIn(u))) (GPT-NeoX's parallel residual: ffnIn(h));
 * with residual norms (BERT's post-LN) u = afterAttn(h + attn_out) and h' = afterFfn(u + mlp_out).
 * The {@code attn_out} and {@code mlp_out} hooks see what is added to the residual stream; {@code attn_in} and
 * {@code mlp_in} see the sublayers' inputs after their norms.
 */
public final class DecoderBlock {

    /**
     * Where a family normalizes; a null norm is the identity.
     *
     * @param attnIn    before attention (pre-norm families: input_layernorm)
     * @param attnOut   on attention's output, inside the residual branch (Gemma-2, OLMo-2)
     * @param ffnIn     before the FFN (post_attention_layernorm in Llama; pre_feedforward_layernorm in Gemma-2)
     * @param ffnOut    on the FFN's output, inside the residual branch (Gemma-2, OLMo-2)
     * @param afterAttn on the residual sum after attention (BERT)
     * @param afterFfn  on the residual sum after the FFN (BERT)
     */
    public record NormPlacement(Norm attnIn, Norm attnOut, Norm ffnIn, Norm ffnOut, Norm afterAttn, Norm afterFfn) {

        /** Llama, GPT-NeoX, BLOOM, Qwen: a norm before each sublayer. */
        public static NormPlacement preNorm(Norm attnIn, Norm ffnIn) {
            return new NormPlacement(attnIn, null, ffnIn, null, null, null);
        }

        /** OLMo-2: a norm after each sublayer, inside the residual branch. */
        public static NormPlacement postSublayer(Norm attnOut, Norm ffnOut) {
            return new NormPlacement(null, attnOut, null, ffnOut, null, null);
        }

        /** BERT: a norm on each residual sum. */
        public static NormPlacement postResidual(Norm afterAttn, Norm afterFfn) {
            return new NormPlacement(null, null, null, null, afterAttn, afterFfn);
        }
    }

    private final int layer;
    private final NormPlacement norms;
    private final SelfAttention attention;
    private final FeedForward ffn;
    private final boolean parallelResidual;

    public DecoderBlock(int layer, NormPlacement norms, SelfAttention attention, FeedForward ffn, boolean parallelResidual) {
        this.layer = layer;
        this.norms = norms;
        this.attention = attention;
        this.ffn = ffn;
        this.parallelResidual = parallelResidual;
    }

    /** h (b, t, d) → h' (b, t, d). */
    public Var forward(Var h, ForwardContext ctx) {
        HookRun hooks = ctx.hooks();
        HookNames.Layer names = HookNames.layer(layer);
        h = hooks.at(names.residPre, Layout.TOKENS, h);
        Var a = apply(norms.attnOut(), attention.forward(
                hooks.at(names.attnIn, Layout.TOKENS, apply(norms.attnIn(), h)), ctx));
        a = hooks.at(names.attnOut, Layout.TOKENS, a);
        Var u = hooks.at(names.residMid, Layout.TOKENS, apply(norms.afterAttn(), Elementwise.add(h, a)));
        Var f = apply(norms.ffnOut(), ffn.forward(
                hooks.at(names.mlpIn, Layout.TOKENS, apply(norms.ffnIn(), parallelResidual ? h : u)), ctx, layer));
        f = hooks.at(names.mlpOut, Layout.TOKENS, f);
        return hooks.at(names.residPost, Layout.TOKENS, apply(norms.afterFfn(), Elementwise.add(u, f)));
    }

    private static Var apply(Norm norm, Var x) {
        return norm == null ? x : norm.apply(x);
    }
}
