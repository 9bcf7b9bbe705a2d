package org.neurosweep.methods.icl;

import org.neurosweep.model.Batch;
import org.neurosweep.model.LogitsAt;

import java.util.List;

/**
 * Prompts of different lengths padded on the left into one {@link Batch}, so that every row's last token sits at
 * the same sequence index {@link #last()} (the position t* whose next-token distribution the methods read). A token
 * at index {@code j} of prompt {@code r} lies at sequence index {@code padding(r) + j}.
 */
public final class PromptBatch {
    private final Batch batch;
    private final int[] padding;

    private PromptBatch(Batch batch, int[] padding) {
        this.batch = batch;
        this.padding = padding;
    }

    /** {@code rows} left-padded with {@code padId}, logits computed at the last position only. */
    public static PromptBatch leftPadded(List<int[]> rows, int padId) {
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).length == 0) {
                throw new IllegalArgumentException("prompt " + r + " of the batch has no token");
            }
        }
        Batch b = Batch.leftPadded(rows, padId);
        int[] padding = new int[rows.size()];
        for (int r = 0; r < padding.length; r++) {
            padding[r] = b.length() - rows.get(r).length;
        }
        return new PromptBatch(b.logitsAt(LogitsAt.last()), padding);
    }

    public Batch batch() {
        return batch;
    }

    public int size() {
        return batch.size();
    }

    /** Sequence length t, padding included. */
    public int length() {
        return batch.length();
    }

    /** The sequence index of every row's last token, t − 1. */
    public int last() {
        return batch.length() - 1;
    }

    /** Padding tokens in front of prompt {@code row}. */
    public int padding(int row) {
        return padding[row];
    }
}
