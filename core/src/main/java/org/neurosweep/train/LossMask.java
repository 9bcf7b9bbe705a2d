package org.neurosweep.train;

/** Which next-token targets of a prompt + response sequence count in the loss. */
public enum LossMask {
    /** every token after the first. */
    ALL_TOKENS,
    /** only the response tokens: the prompt is context, not a target (instruction tuning). */
    RESPONSE_ONLY
}
