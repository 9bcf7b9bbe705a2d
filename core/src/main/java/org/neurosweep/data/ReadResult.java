package org.neurosweep.data;

import java.util.List;
import java.util.stream.Collectors;

/** The records read from a source, in file order, and the bad records skipped on the way. */
public record ReadResult<T>(List<T> records, List<BadRecord> badRecords) {

    /** How many bad records {@link #orThrow()} lists in its message. */
    private static final int LISTED = 5;

    public ReadResult {
        records = List.copyOf(records);
        badRecords = List.copyOf(badRecords);
    }

    public boolean isClean() {
        return badRecords.isEmpty();
    }

    /** The records when there was no bad record, else a {@link DatasetException} listing the first few. */
    public List<T> orThrow() {
        if (isClean()) {
            return records;
        }
        throw new DatasetException(badRecords.size() + " bad record(s) (" + records.size() + " good):\n  "
                + badRecords.stream().limit(LISTED).map(BadRecord::toString).collect(Collectors.joining("\n  "))
                + (badRecords.size() > LISTED ? "\n  ..." : ""));
    }
}
