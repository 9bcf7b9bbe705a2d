package org.neurosweep.methods.masking;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.hook.Hooks;

/**
 * Layer-from context masking, {@code attn} type (docs/methods/internal-cot.md §4, after Sia et al. 2024): from layer ℓ
 * on, at every layer l ≥ ℓ and every head, no query attends to the key positions of a span (the demonstrations, or a
 * TRACE item's constraints); layers below ℓ are untouched. The mask is additive, −∞ on the span's keys, added to the
 * pre-softmax scores; a query row left with no key attends to nothing (the runtime's all-zero pattern rule).
 *
 * <p>The mask is indexed by absolute key position and applies to every query, so the same {@link Hooks} keep the span
 * masked during KV-cached generation: keys beyond the mask's extent are never masked.
 */
public final class ContextMask {

    private ContextMask() {
    }

    /**
     * The additive mask (b, 1, 1, keys): −∞ at key positions {@code [starts[r], ends[r])} of row r, 0 elsewhere.
     * Positions are sequence indices (padding included); {@code keys} is at least the largest end.
     */
    public static INDArray spans(int[] starts, int[] ends, int keys) {
        if (starts.length != ends.length) {
            throw new IllegalArgumentException(starts.length + " span starts but " + ends.length + " ends");
        }
        float[] values = new float[starts.length * keys];
        for (int r = 0; r < starts.length; r++) {
            if (starts[r] < 0 || starts[r] > ends[r] || ends[r] > keys) {
                throw new IllegalArgumentException("row " + r + ": span [" + starts[r] + ", " + ends[r]
                        + ") outside the " + keys + " key positions");
            }
            for (int j = starts[r]; j < ends[r]; j++) {
                values[r * keys + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return Nd4j.create(values, new long[] {starts.length, 1, 1, keys}, DataType.FLOAT);
    }

    /**
     * Hooks that add {@code mask} to the attention scores of every layer {@code l >= layerFrom} of a model with
     * {@code layers} layers; {@code layerFrom == layers} masks nothing (the unmasked baseline).
     */
    public static Hooks fromLayer(INDArray mask, int layerFrom, int layers) {
        if (layerFrom < 0 || layerFrom > layers) {
            throw new IllegalArgumentException("masking layer " + layerFrom + " outside 0.." + layers);
        }
        Hooks hooks = Hooks.none();
        for (int l = layerFrom; l < layers; l++) {
            hooks.maskAttention(l, mask);
        }
        return hooks;
    }
}
