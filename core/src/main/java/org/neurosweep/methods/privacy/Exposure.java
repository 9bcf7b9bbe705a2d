package org.neurosweep.methods.privacy;

/**
 * Exposure of a secret (Carlini et al. 2019, "The Secret Sharer"): with R the space of candidates of the secret's
 * format and rank(s) the secret's 1-based rank among them by model likelihood, exposure = log2 |R| − log2 rank(s):
 * log2 |R| when the secret is the most likely candidate, about 1 for a secret ranked in the middle (a random guess).
 */
public final class Exposure {

    private Exposure() {
    }

    /** log2 |R| − log2 rank, rank ≥ 1. */
    public static double of(double space, double rank) {
        if (rank < 1 || rank > space) {
            throw new IllegalArgumentException("rank " + rank + " outside 1.." + space);
        }
        return log2(space) - log2(rank);
    }

    static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
