package org.neurosweep.train;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Examples right-padded into one batch for next-token prediction: position j of row i predicts token
 * j + 1; targets that are padding, or prompt tokens under {@link LossMask#RESPONSE_ONLY}, are
 * {@link #IGNORE_INDEX}.
 *
 * @param inputIds      (b, T) INT token ids, padded with the pad id
 * @param attentionMask (b, T) INT, 1 on real tokens
 * @param targets       b·T next-token targets, row-major, for logits reshaped to (b·T, vocab)
 * @param countedTokens targets that are not {@link #IGNORE_INDEX}
 */
public record CausalLmBatch(INDArray inputIds, INDArray attentionMask, int[] targets, int countedTokens) {

    /** The target of positions that do not count (PyTorch's default ignore index). */
    public static final int IGNORE_INDEX = -100;

    public static CausalLmBatch of(List<LmExample> examples, int padId, LossMask mask) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("an empty batch");
        }
        int width = examples.stream().mapToInt(e -> e.tokens().length).max().orElseThrow();
        int[][] ids = new int[examples.size()][width];
        int[][] attention = new int[examples.size()][width];
        int[] targets = new int[examples.size() * width];
        java.util.Arrays.fill(targets, IGNORE_INDEX);
        int counted = 0;
        for (int i = 0; i < examples.size(); i++) {
            LmExample e = examples.get(i);
            int[] tokens = e.tokens();
            java.util.Arrays.fill(ids[i], padId);
            int firstTarget = mask == LossMask.RESPONSE_ONLY ? Math.max(1, e.promptLength()) : 1;
            for (int j = 0; j < tokens.length; j++) {
                ids[i][j] = tokens[j];
                attention[i][j] = 1;
                if (j + 1 < tokens.length && j + 1 >= firstTarget) {
                    targets[i * width + j] = tokens[j + 1];
                    counted++;
                }
            }
        }
        return new CausalLmBatch(Nd4j.createFromArray(ids), Nd4j.createFromArray(attention), targets, counted);
    }

    public int batchSize() {
        return (int) inputIds.size(0);
    }

    public int width() {
        return (int) inputIds.size(1);
    }
}
