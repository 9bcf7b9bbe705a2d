package org.neurosweep.autograd;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** MoE routing: top-k expert selection and the differentiable gather of the selected weights. */
public final class Routing {

    private Routing() {
    }

    /** The k largest entries of each row, largest first: ids (n, k) INT (no gradient) and their values. */
    public record TopK(INDArray ids, Var values) {
    }

    /**
     * A router's decision: softmax of the logits (n, E) over experts, the k most probable per row (ids and
     * probabilities), renormalised to sum 1 per row when {@code renormalize} (HF's {@code norm_topk_prob}). With a
     * recording tape it is composed of differentiable ops; without, one pass in Java over the n·E logits, which with
     * E in the tens is cheaper than the dozen libnd4j ops of the composition (same selection and tie rule).
     */
    public static TopK softmaxTopK(Var logits, int k, boolean renormalize) {
        if (Tape.recording(logits)) {
            TopK top = topK(Activations.softmax(logits), k);
            return renormalize
                    ? new TopK(top.ids(), Elementwise.div(top.values(), Reductions.sum(top.values(), 1)))
                    : top;
        }
        checkTopK(logits, k, "softmaxTopK");
        int e = Math.toIntExact(logits.size(1));
        float[] probs = rowMajor(logits);
        softmaxRows(probs, e);
        int[] chosen = selectRows(probs, e, k);
        float[] values = new float[chosen.length];
        for (int slot = 0; slot < chosen.length; slot++) {
            values[slot] = probs[(slot / k) * e + chosen[slot]];
        }
        if (renormalize) {
            for (int at = 0; at < values.length; at += k) {
                double kept = 0;
                for (int j = 0; j < k; j++) {
                    kept += values[at + j];
                }
                for (int j = 0; j < k; j++) {
                    values[at + j] = (float) (values[at + j] / kept);
                }
            }
        }
        long n = logits.size(0);
        return new TopK(Nd4j.createFromArray(chosen).reshape('c', n, k),
                Var.constant(Nd4j.createFromArray(values).reshape('c', n, k)));
    }

    /** x (n, E) → the k largest per row; {@code values} is {@link #gatherLastDim}(x, ids). */
    public static TopK topK(Var x, int k) {
        checkTopK(x, k, "topK");
        // A selection in Java: with E (experts) in the tens, libnd4j's generic top_k op costs far more per row than
        // the work itself (it dominated MoE forward time). Largest first; ties keep the lower expert id first.
        int[] chosen = selectRows(rowMajor(x), Math.toIntExact(x.size(1)), k);
        INDArray ids = Nd4j.createFromArray(chosen).reshape('c', x.size(0), k);
        return new TopK(ids, gatherLastDim(x, ids));
    }

    private static void checkTopK(Var x, int k, String what) {
        if (x.rank() != 2 || k < 1 || k > x.size(1)) {
            throw new IllegalArgumentException(what + ": k " + k + " for " + Arrays.toString(x.shape()));
        }
    }

    // x (n, E) as a row-major float[]
    private static float[] rowMajor(Var x) {
        return x.value().dup('c').data().asFloat();
    }

    // softmax of each row of e values, in place, in double; a row of −∞ only becomes zeros
    private static void softmaxRows(float[] x, int e) {
        for (int base = 0; base < x.length; base += e) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < e; c++) {
                max = Math.max(max, x[base + c]);
            }
            double[] p = new double[e];
            double sum = 0;
            for (int c = 0; c < e; c++) {
                p[c] = max == Double.NEGATIVE_INFINITY ? 0 : Math.exp(x[base + c] - max);
                sum += p[c];
            }
            for (int c = 0; c < e; c++) {
                x[base + c] = sum == 0 ? 0f : (float) (p[c] / sum);
            }
        }
    }

    // per row of e scores, the ids of the k largest, rows one after another (n·k)
    private static int[] selectRows(float[] scores, int e, int k) {
        int n = scores.length / e;
        int[] chosen = new int[n * k];
        for (int row = 0; row < n; row++) {
            select(scores, row * e, e, chosen, row * k, k);
        }
        return chosen;
    }

    // the k largest of scores[base, base + e) into chosen[at, at + k), largest first, ties to the lower id
    private static void select(float[] scores, int base, int e, int[] chosen, int at, int k) {
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int c = 0; c < e; c++) {
                if (isTaken(chosen, at, j, c)) {
                    continue;
                }
                if (best < 0 || scores[base + c] > scores[base + best]) {
                    best = c;
                }
            }
            chosen[at + j] = best;
        }
    }

    private static boolean isTaken(int[] chosen, int from, int count, int id) {
        for (int i = from; i < from + count; i++) {
            if (chosen[i] == id) {
                return true;
            }
        }
        return false;
    }

    /** out[i, j] = x[i, ids[i, j]]: x (n, E), ids (n, k) integer → (n, k). */
    public static Var gatherLastDim(Var x, INDArray ids) {
        if (x.rank() != 2 || ids.rank() != 2 || ids.size(0) != x.size(0)) {
            throw new IllegalArgumentException("gatherLastDim: x " + Arrays.toString(x.shape())
                    + " ids " + Arrays.toString(ids.shape()));
        }
        long n = x.size(0), e = x.size(1), k = ids.size(1);
        int[] flat = flatIndices(ids, e);
        INDArray out = Shapes.gather(x.value().reshape('c', new long[] {n * e}), flat, 0).reshape('c', n, k);
        return Tape.op(out, g -> x.accumulateOwned(
                Shapes.scatterAdd(g.reshape('c', new long[] {n * k}), flat, 0, new long[] {n * e}).reshape('c', n, e)), x);
    }

    /** Row-major offsets row·E + ids[row, j]. */
    private static int[] flatIndices(INDArray ids, long e) {
        int[] local = ids.reshape(ids.length()).toIntVector();
        long k = ids.size(1);
        int[] flat = new int[local.length];
        for (int i = 0; i < local.length; i++) {
            if (local[i] < 0 || local[i] >= e) {
                throw new IndexOutOfBoundsException("gatherLastDim: id " + local[i] + " outside [0, " + e + ")");
            }
            flat[i] = Math.toIntExact((i / k) * e + local[i]);
        }
        return flat;
    }
}
