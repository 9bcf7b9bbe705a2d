package org.neurosweep.data;

/** Builds a typed record from one JSON object, or rejects it with the reason. */
@FunctionalInterface
public interface RecordMapper<T> {

    T map(JsonRecord json) throws InvalidRecordException;
}
