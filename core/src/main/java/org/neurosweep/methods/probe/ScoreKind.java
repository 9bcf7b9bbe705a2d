package org.neurosweep.methods.probe;

/** What ranks candidates: the summed log-probability of the completion, or its mean per token (length-normalised). */
public enum ScoreKind {
    /** log p(completion | prompt): the joint probability ("generation probability", methods-probing.md B-5). */
    SUM,
    /** log p(completion | prompt) / tokens: removes the bias towards candidates of few tokens. */
    MEAN;

    public double score(double logProbSum, int tokens) {
        return this == SUM ? logProbSum : logProbSum / tokens;
    }
}
