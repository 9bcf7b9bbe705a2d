package org.neurosweep.methods.pad;

import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Losses;
import org.neurosweep.autograd.Reductions;
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

    /** logits (b, T, V) of {@code batch}'s input → ℓ per row (b); a row without counted targets scores 0. */
    public static Var meanLogProbs(Var logits, CausalLmBatch batch) {
        int b = batch.input().size();
        int width = batch.input().length();
        int[] targets = batch.targets();
        double[][] weights = new double[b][width];
        for (int i = 0; i < b; i++) {
            int counted = 0;
            for (int j = 0; j < width; j++) {
                counted += targets[i * width + j] != CausalLmBatch.IGNORE_INDEX ? 1 : 0;
            }
            for (int j = 0; j < width; j++) {
                weights[i][j] = targets[i * width + j] != CausalLmBatch.IGNORE_INDEX ? 1.0 / counted : 0;
            }
        }
        Var nll = Losses.crossEntropyPerToken(Shapes.reshape(logits, (long) b * width, logits.size(2)), targets,
                CausalLmBatch.IGNORE_INDEX);
        Var weighted = Elementwise.mul(Shapes.reshape(nll, b, width),
                Var.constant(Nd4j.createFromArray(weights).castTo(logits.dataType())));
        return Elementwise.neg(Shapes.reshape(Reductions.sum(weighted, 1), b));
    }
}
