package org.neurosweep.exec;

/** A model that could not be loaded on an executor: missing or unreadable folder, for instance. Fails the unit. */
public class ModelLoadException extends RuntimeException {

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
