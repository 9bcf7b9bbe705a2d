package org.neurosweep.model;

/** A checkpoint that does not fit its config: a missing tensor, or a shape the config does not imply. */
public class CheckpointException extends RuntimeException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
