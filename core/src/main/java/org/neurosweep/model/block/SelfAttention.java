package org.neurosweep.model.block;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Activations;
import org.neurosweep.autograd.Attention;
import org.neurosweep.autograd.Shapes;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.HookRun;
import org.neurosweep.hook.Layout;
import org.neurosweep.model.KvCache;

/**
 * Multi-head self-attention with grouped-query heads, RoPE (possibly partial) or ALiBi (BLOOM; its biases come with
 * the mask), causal or bidirectional (BERT) masks, an optional sliding window, optional q/k norm over the whole
 * projection (OLMoE, OLMo-2) or per head (Qwen3), qkv clipping (OLMoE), tanh soft-capping of the scores (Gemma-2),
 * and separate or fused (GPT-NeoX, BLOOM) q/k/v projections.
 */
public final class SelfAttention {

    /** How q, k, v come out of the normalized input: three projections, or GPT-NeoX's fused per-head one. */
    public sealed interface QkvProjection permits Separate, Fused {
    }

    /** q_proj, k_proj, v_proj: (b, t, heads·dh), (b, t, kv_heads·dh) twice. */
    public record Separate(Projection q, Projection k, Projection v) implements QkvProjection {
    }

    /** One projection whose output (b, t, heads, 3·dh) holds q, k, v side by side per head (HF GPT-NeoX, BLOOM). */
    public record Fused(Projection qkv) implements QkvProjection {
    }

    /**
     * Head layout and options: {@code window} 0 = no sliding window; {@code clip} null = no clipping; {@code scale}
     * multiplies q·kᵀ; {@code softcap} null = none; {@code qkNormPerHead}: the q/k norms act on each head's dh values
     * (Qwen3) rather than on the whole projection (OLMoE, OLMo-2).
     */
    public record Shape(int heads, int kvHeads, int headDim, int window, Double clip, double scale, Double softcap,
                        boolean qkNormPerHead) {
    }

    private final int layer;
    private final QkvProjection qkv;
    private final Norm qNorm;
    private final Norm kNorm;
    private final Projection output;
    private final Shape shape;

    /** {@code qNorm}/{@code kNorm} may be null (no q/k norm). */
    public SelfAttention(int layer, QkvProjection qkv, Norm qNorm, Norm kNorm, Projection output, Shape shape) {
        this.layer = layer;
        this.qkv = qkv;
        this.qNorm = qNorm;
        this.kNorm = kNorm;
        this.output = output;
        this.shape = shape;
    }

    /** x (b, t, d), already normalized → o_proj's output (b, t, d), before the {@code attn_out} hook. */
    public Var forward(Var x, ForwardContext ctx) {
        HookRun hooks = ctx.hooks();
        HookNames.Layer names = HookNames.layer(layer);
        int b = ctx.batch().size();
        int t = ctx.batch().length();
        int h = shape.heads();
        int kvh = shape.kvHeads();
        int dh = shape.headDim();
        Var[] qkv = project(x, b, t);                                                   // (b, t, heads, dh)
        Var q = hooks.at(names.attnQ, Layout.HEADS_FIRST, heads(ctx.rotate(qkv[0])));
        Var k = hooks.at(names.attnK, Layout.HEADS_FIRST, heads(ctx.rotate(qkv[1])));
        Var v = hooks.at(names.attnV, Layout.HEADS_FIRST, heads(qkv[2]));
        int keys = ctx.keys();
        KvCache cache = ctx.cache();
        if (cache != null) {
            cache.write(layer, k.value(), v.value());
            k = Var.constant(cache.keys(layer, keys));
            v = Var.constant(cache.values(layer, keys));
        }
        // grouped-query attention without repeating k, v: the rep = h / kvh query heads of a kv head are stacked
        // along the query axis, (b, kvh, rep·t, dh)
        int rep = h / kvh;
        Var grouped = Shapes.reshape(q, b, kvh, (long) rep * t, dh);
        INDArray extra = hooks.attentionMask(layer, keys);
        Var pattern;
        if (shape.softcap() == null && extra == null && !hooks.touches(names.attnScores)) {
            // nothing reads or changes the scores: one op from q, k to the pattern, holding one array, not three
            pattern = Attention.maskedSoftmax(grouped, k, shape.scale(), ctx.mask(shape.window()), h);
        } else {
            Var scores = Attention.scores(grouped, k, shape.scale());
            if (shape.softcap() != null) {
                scores = Activations.softcap(scores, shape.softcap());
            }
            scores = Attention.addMask(Shapes.reshape(scores, b, h, t, keys), ctx.mask(shape.window()));
            if (extra != null) {
                scores = Attention.addMask(scores, extra);
            }
            pattern = Attention.softmax(hooks.at(names.attnScores, Layout.HEADS_FIRST, scores));
        }
        pattern = hooks.at(names.attnPattern, Layout.HEADS_FIRST, pattern);
        Var mixed = Attention.weighted(Shapes.reshape(pattern, b, kvh, (long) rep * t, keys), v);  // (b, kvh, rep·t, dh)
        Var headOut = Shapes.permute(Shapes.reshape(mixed, b, h, t, dh), 0, 2, 1, 3);            // (b, t, h, dh)
        headOut = hooks.at(names.attnHeadOut, Layout.HEADS_LAST, headOut);
        return output.apply(Shapes.reshape(headOut, b, t, (long) h * dh));
    }

    // → {q (b, t, h, dh), k (b, t, kvh, dh), v (b, t, kvh, dh)}, before RoPE; q/k norm, then clipping (OLMoE order)
    private Var[] project(Var x, int b, int t) {
        int dh = shape.headDim();
        Var[] out;
        if (qkv instanceof Fused fused) {
            Var all = Shapes.reshape(fused.qkv().apply(x), b, t, shape.heads(), 3L * dh);
            out = new Var[] {
                Shapes.slice(all, 3, 0, dh), Shapes.slice(all, 3, dh, 2L * dh), Shapes.slice(all, 3, 2L * dh, 3L * dh)};
        } else {
            Separate s = (Separate) qkv;
            Var q = s.q().apply(x);
            Var k = s.k().apply(x);
            if (qNorm != null && !shape.qkNormPerHead()) {
                q = qNorm.apply(q);
                k = kNorm.apply(k);
            }
            q = Shapes.reshape(q, b, t, shape.heads(), dh);
            k = Shapes.reshape(k, b, t, shape.kvHeads(), dh);
            if (qNorm != null && shape.qkNormPerHead()) {
                q = qNorm.apply(q);
                k = kNorm.apply(k);
            }
            out = new Var[] {q, k, Shapes.reshape(s.v().apply(x), b, t, shape.kvHeads(), dh)};
        }
        if (shape.clip() != null) {
            double c = shape.clip();
            for (int i = 0; i < out.length; i++) {
                out[i] = Activations.clamp(out[i], -c, c);
            }
        }
        return out;
    }

    // (b, t, heads, dh) → (b, heads, t, dh)
    private static Var heads(Var x) {
        return Shapes.permute(x, 0, 2, 1, 3);
    }
}
