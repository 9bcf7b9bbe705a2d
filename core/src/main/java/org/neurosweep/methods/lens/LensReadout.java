package org.neurosweep.methods.lens;

import org.neurosweep.methods.icl.NextToken;

import java.util.PriorityQueue;

/**
 * One projected vector's distribution over the vocabulary, read in fp32/fp64: log-probabilities, ranks (1 + the number
 * of entries with a strictly larger probability, so tied entries share the better rank) and the top-k tokens.
 */
public final class LensReadout {
    private final float[] logits;
    private final double logNormalizer;

    /** {@code logits} (vocab), owned by the readout from now on. */
    public LensReadout(float[] logits) {
        this.logits = logits;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        this.logNormalizer = max + Math.log(sum);
    }

    public int vocabSize() {
        return logits.length;
    }

    public double logProb(int token) {
        return logits[token] - logNormalizer;
    }

    public double prob(int token) {
        return Math.exp(logProb(token));
    }

    public int rank(int token) {
        return NextToken.rank(logits, token);
    }

    /** The {@code k} most probable tokens, most probable first; equal logits in id order. */
    public int[] topK(int k) {
        int n = Math.min(k, logits.length);
        // min-heap of the best n so far: worst on top (lower logit, or equal logit and higher id)
        PriorityQueue<Integer> heap = new PriorityQueue<>(n + 1, (a, b) -> logits[a] != logits[b]
                ? Float.compare(logits[a], logits[b]) : Integer.compare(b, a));
        for (int v = 0; v < logits.length; v++) {
            heap.add(v);
            if (heap.size() > n) {
                heap.poll();
            }
        }
        int[] top = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            top[i] = heap.poll();
        }
        return top;
    }
}
