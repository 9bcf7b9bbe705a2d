package org.neurosweep.autograd;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scaled dot-product attention as separate steps, so that the model can expose the hook points
 * {@code attn.scores} (after {@link #addMask}) and {@code attn.pattern} (after {@link #softmax}).
 */
public final class Attention {

    private Attention() {
    }

    /** scale · q·kᵀ: q (b, h, t, dh), k (b, h, tk, dh) → (b, h, t, tk). */
    public static Var scores(Var q, Var k, double scale) {
        long[] qs = q.shape(), ks = k.shape();
        if (q.rank() != 4 || k.rank() != 4 || qs[0] != ks[0] || qs[1] != ks[1] || qs[3] != ks[3]) {
            throw new IllegalArgumentException("attention scores: q " + Arrays.toString(qs) + " k " + Arrays.toString(ks));
        }
        INDArray s = Nd4j.matmul(q.value(), k.value(), false, true, false).muli(scale);
        return Tape.op(s, g -> {
            if (q.requiresGrad()) {
                q.accumulateOwned(Nd4j.matmul(g, k.value(), false, false, false).muli(scale));
            }
            if (k.requiresGrad()) {
                k.accumulateOwned(Nd4j.matmul(g, q.value(), true, false, false).muli(scale));
            }
        }, q, k);
    }

    /**
     * softmax(scale · q·kᵀ + mask) over keys as one op, for a forward in which nothing looks at the scores: the same
     * arithmetic as {@link #scores}, {@link #addMask} and {@link #softmax}, but one (b, heads, t, tk) array instead of
     * three, and backward keeps only it (and q, k). q (b, g, r·t, dh) with the r = heads / g query heads of each of
     * the g kv heads stacked along the query axis, k (b, g, tk, dh), mask additive and broadcastable to
     * (b, heads, t, tk) → the pattern (b, heads, t, tk).
     */
    public static Var maskedSoftmax(Var q, Var k, double scale, INDArray mask, int heads) {
        long[] qs = q.shape(), ks = k.shape();
        if (q.rank() != 4 || k.rank() != 4 || qs[0] != ks[0] || qs[1] != ks[1] || qs[3] != ks[3]
                || heads % qs[1] != 0 || qs[2] % (heads / qs[1]) != 0) {
            throw new IllegalArgumentException("attention pattern: q " + Arrays.toString(qs) + " k " + Arrays.toString(ks)
                    + " with " + heads + " heads");
        }
        long[] patternShape = {qs[0], heads, qs[2] / (heads / qs[1]), ks[2]};
        if (!Arrays.equals(Broadcast.shape(patternShape, mask.shape()), patternShape)) {
            throw new IllegalArgumentException("attention mask " + Arrays.toString(mask.shape())
                    + " widens scores " + Arrays.toString(patternShape));
        }
        INDArray s = Nd4j.matmul(q.value(), k.value(), false, true, false).muli(scale);   // (b, g, r·t, tk)
        INDArray p = Activations.softmaxInPlace(s.reshape('c', patternShape).addi(mask));
        return Tape.op(p, g -> {
            INDArray ds = Activations.softmaxBackward(p, g).reshape('c', s.shape());
            if (q.requiresGrad()) {
                q.accumulateOwned(Nd4j.matmul(ds, k.value(), false, false, false).muli(scale));
            }
            if (k.requiresGrad()) {
                k.accumulateOwned(Nd4j.matmul(ds, q.value(), true, false, false).muli(scale));
            }
        }, q, k);
    }

    /** scores + mask, mask additive (0 or −∞, or any finite bias) and broadcastable to the scores. */
    public static Var addMask(Var scores, INDArray mask) {
        Broadcast.shape(scores.shape(), mask.shape());
        INDArray out = scores.value().add(mask);
        if (!Arrays.equals(out.shape(), scores.shape())) {
            throw new IllegalArgumentException("attention mask " + Arrays.toString(mask.shape())
                    + " widens scores " + Arrays.toString(scores.shape()));
        }
        return Tape.op(out, scores::addGrad, scores);
    }

    /** Softmax over keys; a fully masked row yields zeros. */
    public static Var softmax(Var scores) {
        return Activations.softmax(scores);
    }

    /** probs (b, h, t, tk) · v (b, h, tk, dh) → (b, h, t, dh). */
    public static Var weighted(Var probs, Var v) {
        return Linear.matmul(probs, v);
    }
}
