package org.neurosweep.model;

/** A forward pass would run past the model's context window ({@code max_position_embeddings}). */
public final class ContextLengthException extends IllegalArgumentException {

    public ContextLengthException(int cached, int batched, int maxPositions) {
        super("a sequence of " + (cached + batched) + " positions (" + batched + " new after " + cached + " cached) is"
                + " longer than the model's context of " + maxPositions + " positions (max_position_embeddings);"
                + " shorten the prompt or lower the generation budget");
    }
}
