package org.neurosweep.train;

/** A training run that cannot go on (non-finite loss or gradients); the message names the step. */
public final class TrainingException extends RuntimeException {

    public TrainingException(String message) {
        super(message);
    }
}
