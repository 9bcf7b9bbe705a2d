package org.neurosweep.model.generate;

/**
 * A continuation to score: its tokens follow the prompt's; both non-empty (the first continuation token is
 * predicted from the last prompt token).
 */
public record Continuation(int[] prompt, int[] continuation) {

    public Continuation {
        if (prompt.length == 0 || continuation.length == 0) {
            throw new IllegalArgumentException("a continuation needs a non-empty prompt and a non-empty continuation, got "
                    + prompt.length + " and " + continuation.length + " tokens");
        }
        prompt = prompt.clone();
        continuation = continuation.clone();
    }

    @Override
    public int[] prompt() {
        return prompt.clone();
    }

    @Override
    public int[] continuation() {
        return continuation.clone();
    }

    /** Prompt and continuation tokens together. */
    int[] sequence() {
        int[] all = java.util.Arrays.copyOf(prompt, prompt.length + continuation.length);
        System.arraycopy(continuation, 0, all, prompt.length, continuation.length);
        return all;
    }

    /** The prompt followed by one {@code maskId} per continuation token (a masked LM's query). */
    int[] masked(int maskId) {
        int[] all = java.util.Arrays.copyOf(prompt, prompt.length + continuation.length);
        java.util.Arrays.fill(all, prompt.length, all.length, maskId);
        return all;
    }

    int promptLength() {
        return prompt.length;
    }

    int length() {
        return continuation.length;
    }

    int token(int i) {
        return continuation[i];
    }
}
