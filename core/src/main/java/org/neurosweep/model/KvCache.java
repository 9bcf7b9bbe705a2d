package org.neurosweep.model;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keys (after RoPE) and values of the tokens decoded so far, per layer (b, kv_heads, capacity, head_dim),
 * preallocated outside any workspace, plus the attention mask of the cached tokens. A forward given a cache
 * attends to the cached tokens and its own, writes its keys and values behind them and then advances the cache.
 * Gradients do not flow into cached keys and values. Not thread-safe: one decoding loop per cache.
 */
public final class KvCache {
    private final INDArray[] keys;
    private final INDArray[] values;
    private final int batch;
    private final int capacity;
    private final int[] keyMask;
    private final int[] realTokens;
    private int length;

    private KvCache(int layers, int batch, int kvHeads, int capacity, int headDim) {
        this.batch = batch;
        this.capacity = capacity;
        this.keys = new INDArray[layers];
        this.values = new INDArray[layers];
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int l = 0; l < layers; l++) {
                keys[l] = Nd4j.create(DataType.FLOAT, batch, kvHeads, capacity, headDim);
                values[l] = Nd4j.create(DataType.FLOAT, batch, kvHeads, capacity, headDim);
            }
        }
        this.keyMask = new int[batch * capacity];
        this.realTokens = new int[batch];
    }

    /** An empty cache for {@code batch} rows of at most {@code capacity} tokens (prompt and generated). */
    public static KvCache allocate(ModelConfig config, int batch, int capacity) {
        return new KvCache(config.numLayers(), batch, config.numKvHeads(), capacity, config.headDim());
    }

    /** Rows. */
    public int batch() {
        return batch;
    }

    public int capacity() {
        return capacity;
    }

    /** Cached tokens per row, padding included (the sequence index of the next token). */
    public int length() {
        return length;
    }

    /** Cached real (mask 1) tokens of {@code row}: the RoPE position of its next token. */
    public int realTokens(int row) {
        return realTokens[row];
    }

    /** Whether cached token {@code j} of {@code row} is real. */
    public boolean isReal(int row, int j) {
        return keyMask[row * capacity + j] == 1;
    }

    /** Forgets every cached token. */
    public void clear() {
        length = 0;
        Arrays.fill(keyMask, 0);
        Arrays.fill(realTokens, 0);
    }

    /**
     * Forgets the tokens at sequence indices ≥ {@code to}, so that the next batch continues from the first {@code to}
     * (e.g. many continuations scored after one cached prompt).
     */
    public void rewind(int to) {
        if (to < 0 || to > length) {
            throw new IllegalArgumentException("cannot rewind a KV cache of " + length + " tokens to " + to);
        }
        for (int r = 0; r < batch; r++) {
            for (int j = to; j < length; j++) {
                realTokens[r] -= keyMask[r * capacity + j];
                keyMask[r * capacity + j] = 0;
            }
        }
        length = to;
    }

    /** Runtime side: checks that {@code batch} fits behind the cached tokens. */
    void checkFits(Batch next) {
        if (next.size() != batch) {
            throw new IllegalArgumentException("batch of " + next.size() + " rows for a KV cache of " + batch);
        }
        if (length + next.length() > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " cached + " + next.length()
                    + " new tokens exceed its capacity " + capacity);
        }
    }

    /** Runtime side: stores k, v (b, kv_heads, t, dh) of {@code layer} at sequence indices length .. length + t − 1. */
    public void write(int layer, INDArray k, INDArray v) {
        long t = k.size(2);
        keys[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(length, length + t),
                NDArrayIndex.all()).assign(k);
        values[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(length, length + t),
                NDArrayIndex.all()).assign(v);
    }

    /** Runtime side: cached keys of {@code layer} at sequence indices 0 .. end − 1, (b, kv_heads, end, dh). */
    public INDArray keys(int layer, int end) {
        return keys[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, end), NDArrayIndex.all());
    }

    /** Runtime side: cached values of {@code layer}, (b, kv_heads, end, dh). */
    public INDArray values(int layer, int end) {
        return values[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, end),
                NDArrayIndex.all());
    }

    /** Runtime side: after every layer wrote {@code next}, makes its tokens part of the cache. */
    void advance(Batch next) {
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < next.length(); j++) {
                boolean real = next.isReal(r, j);
                keyMask[r * capacity + length + j] = real ? 1 : 0;
                realTokens[r] += real ? 1 : 0;
            }
        }
        length += next.length();
    }
}
