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
 * What every block of one forward shares: the batch, its hooks, the KV cache (or null), the RoPE tables and the
 * additive attention masks. Keys are indexed 0 .. keys − 1: the cached tokens, then this forward's.
 */
public final class ForwardContext {
    private final Batch batch;
    private final HookRun hooks;
    private final KvCache cache;
    private final int offset;
    private final Rotary rotary;
    private final Rotary.Tables rope;
    private final Map<Integer, INDArray> masks = new HashMap<>();

    /** Builds the RoPE tables and the masks of the given sliding-window widths (0 = full) up front. */
    public ForwardContext(Batch batch, HookRun hooks, KvCache cache, Rotary rotary, Set<Integer> windows) {
        this.batch = batch;
        this.hooks = hooks;
        this.cache = cache;
        this.offset = cache == null ? 0 : cache.length();
        this.rotary = rotary;
        this.rope = rotary.tables(batch);
        for (int w : windows) {
            masks.put(w, buildMask(w));
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

    /** x (b, t, heads, dh) with this batch's RoPE positions applied. */
    public Var rotate(Var x) {
        return rotary.apply(x, rope);
    }

    /**
     * The additive mask (b, 1, t, keys), 0 where query i may attend to key j and −∞ elsewhere: causal, padding
     * keys removed, and with {@code window} > 0 only the window most recent keys (HF: q − k < window).
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
                    boolean visible = j <= q && real && (window == 0 || q - j < window);
                    m[base + j] = visible ? 0f : Float.NEGATIVE_INFINITY;
                }
            }
        }
        return Nd4j.create(m, b, 1, t, keys);
    }
}
