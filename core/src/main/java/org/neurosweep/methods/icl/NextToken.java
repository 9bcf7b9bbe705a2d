package org.neurosweep.methods.icl;

/**
 * The model's next-token prediction at a prompt's last position: the argmax token (first one on ties, as
 * {@code torch.argmax}) and, per requested target token, its rank: 1 + the number of vocabulary entries with a
 * strictly larger logit (equivalently probability; docs/methods/internal-cot.md §3). A target id below 0 has rank 0.
 */
public record NextToken(int predicted, int[] ranks) {

    /** Reciprocal rank of target {@code k}, 0 for an absent target. */
    public double reciprocalRank(int k) {
        return ranks[k] == 0 ? 0 : 1.0 / ranks[k];
    }

    /** Reads one row of logits (vocab). */
    public static NextToken of(float[] logits, int[] targets) {
        int best = 0;
        for (int v = 1; v < logits.length; v++) {
            if (logits[v] > logits[best]) {
                best = v;
            }
        }
        int[] ranks = new int[targets.length];
        for (int k = 0; k < targets.length; k++) {
            ranks[k] = rank(logits, targets[k]);
        }
        return new NextToken(best, ranks);
    }

    /** 1 + the number of entries strictly above {@code logits[token]}; 0 when {@code token < 0}. */
    public static int rank(float[] logits, int token) {
        if (token < 0) {
            return 0;
        }
        if (token >= logits.length) {
            throw new IllegalArgumentException("target token " + token + " outside the vocabulary of " + logits.length);
        }
        float value = logits[token];
        int above = 0;
        for (float l : logits) {
            if (l > value) {
                above++;
            }
        }
        return above + 1;
    }
}
