package org.neurosweep.model.block;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.HookRun;
import org.neurosweep.model.Batch;
import org.neurosweep.model.KvCache;

/**
 * What every block of one forward shares: the batch, its hooks, the KV cache (or null), the RoPE tables (rotary
 * models) and the additive attention masks, ALiBi's biases folded in (BLOOM). Keys are indexed 0 .. keys − 1: the
 * cached tokens, then this forward's.
 */
public final class ForwardContext {
    private final Batch batch;
    private final HookRun hooks;
    private final KvCache cache;
    private final int offset;
    private final Rotary rotary;
    private final Rotary.Tables rope;
    private final boolean causal;
    private final Map<Integer, INDArray> masks = new HashMap<>();

    /**
     * Builds the RoPE tables and the masks of the given sliding-window widths (0 = full) up front.
     *
     * @param rotary      null for a model without RoPE (BLOOM, BERT): {@link #rotate} is then the identity
     * @param causal      false for a bidirectional encoder: every real key is visible
     * @param alibiSlopes one slope per head (BLOOM), or null: the masks become (b, heads, t, keys) with
     *                    slope_h · (key position) added where visible
     */
    public ForwardContext(Batch batch, HookRun hooks, KvCache cache, Rotary rotary, Set<Integer> windows,
                          boolean causal, float[] alibiSlopes) {
        this.batch = batch;
        this.hooks = hooks;
        this.cache = cache;
        this.offset = cache == null ? 0 : cache.length();
        this.rotary = rotary;
        this.rope = rotary == null ? null : rotary.tables(batch);
        this.causal = causal;
        INDArray alibi = alibiSlopes == null ? null : alibiBiases(alibiSlopes);
        for (int w : windows) {
            INDArray m = buildMask(w);
            masks.put(w, alibi == null ? m : m.add(alibi));          // one broadcast add per forward: (b, h, t, keys)
        }
    }

    public Batch batch() {
        return batch;
    }

    public HookRun hooks() {
        return hooks;
    }

    /** The KV cache, or null. */
    public KvCache cache() {
        return cache;
    }

    /** Sequence index of this forward's first token. */
    public int offset() {
        return offset;
    }

    /** Keys each query may see at most: cached tokens plus this forward's. */
    public int keys() {
        return offset + batch.length();
    }

    /** x (b, t, heads, dh) with this batch's RoPE positions applied; x itself for a model without RoPE. */
    public Var rotate(Var x) {
        return rotary == null ? x : rotary.apply(x, rope);
    }

    /**
     * The additive mask (b, 1, t, keys), 0 where query i may attend to key j and −∞ elsewhere: causal (unless the model
     * is bidirectional), padding keys removed, and with {@code window} > 0 only the window most recent keys (HF:
     * q − k < window). With ALiBi (b, heads, t, keys), the visible entries holding the head's position bias.
     */
    public INDArray mask(int window) {
        INDArray m = masks.get(window);
        if (m == null) {
            throw new IllegalStateException("no attention mask prepared for window " + window);
        }
        return m;
    }

    private INDArray buildMask(int window) {
        int b = batch.size();
        int t = batch.length();
        int keys = keys();
        float[] m = new float[b * t * keys];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                int q = offset + i;
                int base = (r * t + i) * keys;
                for (int j = 0; j < keys; j++) {
                    boolean real = j < offset ? cache.isReal(r, j) : batch.isReal(r, j - offset);
                    boolean visible = (j <= q || !causal) && real && (window == 0 || q - j < window);
                    m[base + j] = visible ? 0f : Float.NEGATIVE_INFINITY;
                }
            }
        }
        return Nd4j.create(m, b, 1, t, keys);
    }

    // (b, heads, 1, keys): slope_h · p_j, p_j the number of real keys before key j in its row (HF BLOOM's
    // (cumsum(mask) − 1) · mask); −∞ entries of the mask stay −∞ when it is added
    private INDArray alibiBiases(float[] slopes) {
        int b = batch.size();
        int keys = keys();
        int h = slopes.length;
        float[] bias = new float[b * h * keys];
        for (int r = 0; r < b; r++) {
            int position = 0;
            for (int j = 0; j < keys; j++) {
                boolean real = j < offset ? cache.isReal(r, j) : batch.isReal(r, j - offset);
                for (int head = 0; head < h; head++) {
                    bias[(r * h + head) * keys + j] = real ? slopes[head] * position : 0f;
                }
                position += real ? 1 : 0;
            }
        }
        return Nd4j.create(bias, b, h, 1, keys);
    }
}
