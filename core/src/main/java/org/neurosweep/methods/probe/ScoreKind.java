package org.neurosweep.methods.probe;

/** What ranks candidates: the summed log-probability of the completion, or its mean per token (length-normalised). */
public enum ScoreKind {
    /**
     * log p(completion | prompt): the joint probability (the paper's "generation probability",
     * docs/methods/lrp2-mlama.md §3).
     */
    SUM,
    /** log p(completion | prompt) / tokens: removes the bias towards candidates of few tokens. */
    MEAN;

    public double score(double logProbSum, int tokens) {
        return this == SUM ? logProbSum : logProbSum / tokens;
    }
}
