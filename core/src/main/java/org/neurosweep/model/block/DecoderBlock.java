package org.neurosweep.model.block;

import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.HookRun;
import org.neurosweep.hook.Layout;

/**
 * One pre-norm decoder layer. Sequential residual: u = h + attn(norm1(h)), h' = u + ffn(norm2(u)).
 * Parallel residual (GPT-NeoX): u = h + attn(norm1(h)), h' = u + ffn(norm2(h)).
 */
public final class DecoderBlock {
    private final int layer;
    private final Norm attentionNorm;
    private final SelfAttention attention;
    private final Norm ffnNorm;
    private final FeedForward ffn;
    private final boolean parallelResidual;

    public DecoderBlock(int layer, Norm attentionNorm, SelfAttention attention, Norm ffnNorm, FeedForward ffn,
                        boolean parallelResidual) {
        this.layer = layer;
        this.attentionNorm = attentionNorm;
        this.attention = attention;
        this.ffnNorm = ffnNorm;
        this.ffn = ffn;
        this.parallelResidual = parallelResidual;
    }

    /** h (b, t, d) → h' (b, t, d). */
    public Var forward(Var h, ForwardContext ctx) {
        HookRun hooks = ctx.hooks();
        HookNames.Layer names = HookNames.layer(layer);
        h = hooks.at(names.residPre, Layout.TOKENS, h);
        Var u = hooks.at(names.residMid, Layout.TOKENS, Elementwise.add(h, attention.forward(attentionNorm.apply(h), ctx)));
        Var f = ffn.forward(ffnNorm.apply(parallelResidual ? h : u), ctx, layer);
        f = hooks.at(names.mlpOut, Layout.TOKENS, f);
        return hooks.at(names.residPost, Layout.TOKENS, Elementwise.add(u, f));
    }
}
