package org.neurosweep.methods.pad;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Losses;
import org.neurosweep.autograd.Shapes;
import org.neurosweep.autograd.Var;
import org.neurosweep.train.CausalLmBatch;

/**
 * PAD's intrinsic reward before β: the mean log-probability of a sequence's response tokens,
 * ℓ(y|x) = (1/|y|) Σ_t log π(y_t | x, y_&lt;t), differentiable in the logits.
 */
public final class SequenceScores {

    private SequenceScores() {
    }

    /**
     * logits (b, T, V) of {@code batch}'s input → ℓ per row (b); a row without counted targets scores 0. Only the
     * counted positions (response tokens) are gathered and pass through the log-softmax.
     */
    public static Var meanLogProbs(Var logits, CausalLmBatch batch) {
        int b = batch.input().size();
        int width = batch.input().length();
        int[] targets = batch.targets();
        int[] counted = IntStream.range(0, targets.length).filter(i -> targets[i] != CausalLmBatch.IGNORE_INDEX).toArray();
        int[] perRow = new int[b];
        for (int i : counted) {
            perRow[i / width]++;
        }
        int[] row = Arrays.stream(counted).map(i -> i / width).toArray();
        double[] weights = Arrays.stream(row).mapToDouble(r -> 1.0 / perRow[r]).toArray();
        Var rows = Shapes.indexSelect(Shapes.reshape(logits, (long) b * width, logits.size(2)), 0, counted);
        Var logProbs = Losses.logProbsOf(rows, Arrays.stream(counted).map(i -> targets[i]).toArray());
        Var weighted = Elementwise.mul(logProbs, Var.constant(Nd4j.createFromArray(weights).castTo(logits.dataType())));
        return Shapes.scatterAddRows(weighted, row, b);
    }
}
