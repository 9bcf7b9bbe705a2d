package org.neurosweep.model.generate;

/**
 * The log-probabilities of one continuation under teacher forcing.
 *
 * @param tokenLogProbs log p(token i | prompt, tokens before i), one per continuation token
 * @param greedyMatch   every continuation token is the argmax of the logits that predict it (lowest id on ties)
 */
public record ContinuationScore(float[] tokenLogProbs, boolean greedyMatch) {

    public ContinuationScore {
        tokenLogProbs = tokenLogProbs.clone();
    }

    @Override
    public float[] tokenLogProbs() {
        return tokenLogProbs.clone();
    }

    /** log p(continuation | prompt): the sum over its tokens. */
    public double sum() {
        double s = 0;
        for (float lp : tokenLogProbs) {
            s += lp;
        }
        return s;
    }

    /** The length-normalised score: {@link #sum()} divided by the number of continuation tokens. */
    public double mean() {
        return sum() / tokenLogProbs.length;
    }
}
