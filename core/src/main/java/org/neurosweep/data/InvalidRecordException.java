package org.neurosweep.data;

/** Thrown by a {@link RecordMapper} for a well-formed JSON object that is not a valid record; the message is the reason. */
public final class InvalidRecordException extends Exception {

    public InvalidRecordException(String reason) {
        super(reason, null, false, false);
    }
}
