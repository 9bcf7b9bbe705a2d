package org.neurosweep.model.generate;

import java.util.List;
import org.neurosweep.hook.Captures;

/**
 * The result of {@link Generator#generate}: per row, the generated token ids (prompt excluded, stop token
 * included when one ended the row), whether a stop token ended it, and with {@code logProbs} the model's
 * log-probability of each generated token.
 *
 * <p>Hook positions are sequence indices of the left-padded batch: row r's prompt occupies indices
 * {@code promptLength() − promptLength(r)} .. {@code promptLength() − 1} and its i-th generated token lies at
 * {@code promptLength() + i}. {@link #captures()} holds one {@link Captures} per forward: the prefill, then one per
 * decoding step (with recomputation, each step's forward covers the whole sequence).
 */
public final class Generation {
    private final int[][] tokens;
    private final float[][] logProbs;
    private final boolean[] stopped;
    private final int[] promptLengths;
    private final int paddedPromptLength;
    private final List<Captures> captures;

    Generation(int[][] tokens, float[][] logProbs, boolean[] stopped, int[] promptLengths, int paddedPromptLength,
               List<Captures> captures) {
        this.tokens = tokens;
        this.logProbs = logProbs;
        this.stopped = stopped;
        this.promptLengths = promptLengths;
        this.paddedPromptLength = paddedPromptLength;
        this.captures = List.copyOf(captures);
    }

    /** Rows, in the order of the prompts. */
    public int size() {
        return tokens.length;
    }

    /** Generated token ids of {@code row}. */
    public int[] tokens(int row) {
        return tokens[row].clone();
    }

    /** log p(token) per generated token of {@code row}; only when the settings asked for them. */
    public float[] logProbs(int row) {
        if (logProbs == null) {
            throw new IllegalStateException("log-probabilities were not requested (GenerationSettings.withLogProbs)");
        }
        return logProbs[row].clone();
    }

    /** Whether {@code row} ended with a stop token (false: it reached maxNewTokens). */
    public boolean stopped(int row) {
        return stopped[row];
    }

    /** Prompt tokens of {@code row}, padding excluded. */
    public int promptLength(int row) {
        return promptLengths[row];
    }

    /** The left-padded prompt length: the sequence index of every row's first generated token. */
    public int promptLength() {
        return paddedPromptLength;
    }

    /** Hook captures per forward pass, prefill first; empty maps when no hook captured anything. */
    public List<Captures> captures() {
        return captures;
    }
}
