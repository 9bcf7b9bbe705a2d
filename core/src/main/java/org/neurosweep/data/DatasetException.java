package org.neurosweep.data;

/** A dataset file that cannot be read at all (missing, unreadable), or bad records that a caller chose not to tolerate. */
public class DatasetException extends RuntimeException {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
