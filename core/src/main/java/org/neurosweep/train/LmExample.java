package org.neurosweep.train;

/** A token sequence whose first {@code promptLength} tokens are the prompt and the rest the response. */
public record LmExample(int[] tokens, int promptLength) {

    public LmExample {
        if (tokens.length < 2 || promptLength < 0 || promptLength > tokens.length) {
            throw new IllegalArgumentException("an example needs at least 2 tokens and 0 ≤ prompt length ≤ "
                    + tokens.length + "; got " + tokens.length + " tokens, prompt length " + promptLength);
        }
    }

    /** The prompt followed by the response. */
    public static LmExample of(int[] prompt, int[] response) {
        int[] tokens = new int[prompt.length + response.length];
        System.arraycopy(prompt, 0, tokens, 0, prompt.length);
        System.arraycopy(response, 0, tokens, prompt.length, response.length);
        return new LmExample(tokens, prompt.length);
    }
}
