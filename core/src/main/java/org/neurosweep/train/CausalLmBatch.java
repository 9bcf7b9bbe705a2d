package org.neurosweep.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.neurosweep.autograd.Losses;
import org.neurosweep.autograd.Shapes;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.Batch;

/**
 * Examples right-padded into one batch for next-token prediction: position j of row i predicts token
 * j + 1; targets that are padding, or prompt tokens under {@link LossMask#RESPONSE_ONLY}, are
 * {@link #IGNORE_INDEX}.
 *
 * @param input         the model input (b, T), right-padded
 * @param targets       b·T next-token targets, row-major, for logits reshaped to (b·T, vocab)
 * @param countedTokens targets that are not {@link #IGNORE_INDEX}
 */
public record CausalLmBatch(Batch input, int[] targets, int countedTokens) {

    /** The target of positions that do not count (PyTorch's default ignore index). */
    public static final int IGNORE_INDEX = -100;

    public static CausalLmBatch of(List<LmExample> examples, int padId, LossMask mask) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("an empty batch");
        }
        int width = examples.stream().mapToInt(e -> e.tokens().length).max().orElseThrow();
        List<int[]> rows = new ArrayList<>(examples.size());
        int[] targets = new int[examples.size() * width];
        Arrays.fill(targets, IGNORE_INDEX);
        int counted = 0;
        for (int i = 0; i < examples.size(); i++) {
            LmExample e = examples.get(i);
            int[] tokens = e.tokens();
            rows.add(tokens);
            int firstTarget = mask == LossMask.RESPONSE_ONLY ? Math.max(1, e.promptLength()) : 1;
            for (int j = firstTarget - 1; j + 1 < tokens.length; j++) {
                targets[i * width + j] = tokens[j + 1];
                counted++;
            }
        }
        return new CausalLmBatch(Batch.rightPadded(rows, padId), targets, counted);
    }

    /** Mean cross-entropy over the counted targets, from the model's logits (b, T, vocab) for {@link #input}. */
    public Var loss(Var logits) {
        long rows = logits.size(0) * logits.size(1);
        if (rows != targets.length) {
            throw new IllegalArgumentException("logits " + Arrays.toString(logits.shape()) + " do not cover the "
                    + input.size() + " × " + input.length() + " batch");
        }
        return Losses.crossEntropy(Shapes.reshape(logits, rows, logits.size(2)), targets, IGNORE_INDEX);
    }
}
