package org.neurosweep.model.block;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Linear;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.Batch;
import org.neurosweep.model.RopeConfig;

/**
 * Rotary position embedding, HF convention: on the first {@code rotaryDim} dims of each head
 * x·cos + rotate_half(x)·sin with rotate_half(x1, x2) = (−x2, x1) and cos/sin of cat(freqs, freqs),
 * freqs = position · inv_freq; the remaining dims pass through (GPT-NeoX partial rotary).
 *
 * <p>Computed as x ⊙ C + (x·R) ⊙ S over all tokens and heads at once: R is the signed permutation matrix of
 * rotate_half (one small GEMM), C and S are cos/sin padded with 1/0 on the pass-through dims. This costs a
 * GEMM and three contiguous elementwise ops instead of strided half-vector updates, and is differentiable.
 */
public final class Rotary {
    private final float[] inverseFrequencies;
    private final int rotaryDim;
    private final int headDim;
    private final Var rotateHalf;

    public Rotary(RopeConfig rope, int headDim) {
        this.inverseFrequencies = rope.inverseFrequencies(headDim);
        this.rotaryDim = rope.rotaryDim(headDim);
        this.headDim = headDim;
        int half = rotaryDim / 2;
        INDArray r = Nd4j.create(DataType.FLOAT, new long[] {headDim, headDim}, 'f');        // zeros
        for (int j = 0; j < half; j++) {
            r.putScalar(j + half, j, -1f);         // (x·R)_j = −x_{j+half}
            r.putScalar(j, j + half, 1f);          // (x·R)_{j+half} = x_j
        }
        this.rotateHalf = Var.constant(r);
    }

    /** The cos/sin tables of one forward: C and S, each (b, t, 1, dh). */
    public record Tables(INDArray cos, INDArray sin) {
    }

    /** C and S for the RoPE positions of {@code batch}. */
    public Tables tables(Batch batch) {
        int b = batch.size();
        int t = batch.length();
        int half = rotaryDim / 2;
        float[] cos = new float[b * t * headDim];
        float[] sin = new float[cos.length];
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < t; j++) {
                float p = batch.position(r, j);
                int base = (r * t + j) * headDim;
                for (int i = 0; i < half; i++) {
                    float angle = p * inverseFrequencies[i];          // an fp32 product, as HF computes it
                    float c = (float) Math.cos(angle);
                    float s = (float) Math.sin(angle);
                    cos[base + i] = c;
                    cos[base + half + i] = c;
                    sin[base + i] = s;
                    sin[base + half + i] = s;
                }
                for (int i = rotaryDim; i < headDim; i++) {
                    cos[base + i] = 1f;
                }
            }
        }
        return new Tables(Nd4j.create(cos, b, t, 1, headDim), Nd4j.create(sin, b, t, 1, headDim));
    }

    /** x (b, t, heads, dh) → the same with positions applied. */
    public Var apply(Var x, Tables tables) {
        Var rotated = Linear.linear(x, rotateHalf, null);
        return Elementwise.add(Elementwise.mul(x, Var.constant(tables.cos())),
                Elementwise.mul(rotated, Var.constant(tables.sin())));
    }
}
