package org.neurosweep.model.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Chooses the next token of one row from its logits (V) under a {@link Sampling}. Stateless; thread-safe. */
final class TokenSampler {

    /** The tokens a draw can pick, most probable first, and their renormalised probabilities. */
    record Candidates(int[] ids, double[] probabilities) {
    }

    private final Sampling sampling;

    TokenSampler(Sampling sampling) {
        this.sampling = sampling;
    }

    /** The next token: the argmax when greedy, else a draw from {@link #candidates} with {@code rng}. */
    int next(float[] logits, SplittableRandom rng) {
        if (sampling.isGreedy()) {
            return argmax(logits);
        }
        Candidates c = candidates(logits);
        double u = rng.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < c.ids().length; i++) {
            cumulative += c.probabilities()[i];
            if (u < cumulative) {
                return c.ids()[i];
            }
        }
        return c.ids()[c.ids().length - 1];   // u within rounding of 1
    }

    /** softmax(logits / T) over the top-k tokens, cut to the nucleus of mass top-p and renormalised. */
    Candidates candidates(float[] logits) {
        int k = sampling.topK() == 0 ? logits.length : Math.min(sampling.topK(), logits.length);
        int[] ids = ranked(logits, k);
        double t = sampling.temperature();
        double max = logits[ids[0]];
        double[] p = new double[ids.length];
        double total = 0;
        for (int i = 0; i < ids.length; i++) {
            p[i] = Math.exp((logits[ids[i]] - max) / t);
            total += p[i];
        }
        int kept = ids.length;
        if (sampling.topP() < 1) {
            double mass = 0;
            kept = 0;
            while (kept < ids.length && mass < sampling.topP() * total) {
                mass += p[kept++];
            }
            total = mass;
        }
        double[] probabilities = new double[kept];
        for (int i = 0; i < kept; i++) {
            probabilities[i] = p[i] / total;
        }
        return new Candidates(Arrays.copyOf(ids, kept), probabilities);
    }

    /** Index of the largest logit, the lowest on ties. */
    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** log softmax(logits)[token], in double precision. */
    static double logProbability(float[] logits, int token) {
        double max = logits[argmax(logits)];
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return logits[token] - max - Math.log(sum);
    }

    /**
     * The {@code k} token ids with the highest logits, highest first, lower id first on ties. Sorts packed longs:
     * the high half orders by logit descending (the float's bits made monotone, then complemented), the low half
     * by id ascending.
     */
    private static int[] ranked(float[] logits, int k) {
        long[] keys = new long[logits.length];
        for (int id = 0; id < logits.length; id++) {
            int bits = Float.floatToIntBits(logits[id]);
            int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
            keys[id] = ((long) ~ascending << 32) | id;
        }
        Arrays.sort(keys);
        int[] ids = new int[k];
        for (int i = 0; i < k; i++) {
            ids[i] = (int) keys[i];
        }
        return ids;
    }
}
