package org.neurosweep.data;

/**
 * A record that could not be read: the file, the 1-based line (JSON, JSONL) or row (Parquet) where it starts
 * ({@code 0} when the file as a whole is unreadable), and why. Readers return these instead of throwing so that one bad
 * line never stops a sweep; they become rows of the {@code errors} table.
 */
public record BadRecord(String source, long line, String reason) {

    @Override
    public String toString() {
        return source + ":" + line + ": " + reason;
    }
}
