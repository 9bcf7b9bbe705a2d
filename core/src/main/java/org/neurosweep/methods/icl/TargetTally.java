package org.neurosweep.methods.icl;

/**
 * First-token accuracy and mean reciprocal rank per {@link Target} over a set of prompts. A prompt counts towards a
 * target only when its query has that answer; with none the accuracy and MRR are NaN.
 */
public final class TargetTally {
    private final TokenText text;
    private final int[] hits = new int[Target.values().length];
    private final int[] counted = new int[Target.values().length];
    private final double[] reciprocalRanks = new double[Target.values().length];
    private int prompts;

    public TargetTally(TokenText text) {
        this.text = text;
    }

    /** Adds one prompt: its target ids in {@link Target} order and the model's prediction for it. */
    public void add(int[] targetIds, NextToken prediction) {
        prompts++;
        for (Target t : Target.values()) {
            int k = t.ordinal();
            if (targetIds[k] < 0) {
                continue;
            }
            counted[k]++;
            hits[k] += text.matches(prediction.predicted(), targetIds[k]) ? 1 : 0;
            reciprocalRanks[k] += prediction.reciprocalRank(k);
        }
    }

    /** Prompts added. */
    public int prompts() {
        return prompts;
    }

    /** Prompts that have target {@code t}. */
    public int counted(Target t) {
        return counted[t.ordinal()];
    }

    public double accuracy(Target t) {
        int k = t.ordinal();
        return counted[k] == 0 ? Double.NaN : (double) hits[k] / counted[k];
    }

    public double meanReciprocalRank(Target t) {
        int k = t.ordinal();
        return counted[k] == 0 ? Double.NaN : reciprocalRanks[k] / counted[k];
    }
}
