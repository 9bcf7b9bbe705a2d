package org.neurosweep.data;

/**
 * The largest record (one line of a JSONL or text dataset, in bytes) the dataset readers accept; a longer one becomes
 * a {@link BadRecord} instead of being decoded, so that one runaway field cannot exhaust the heap and fail its whole
 * unit. The limit is per thread: the engine sets it for the thread that runs a unit ({@link #scope}), from
 * {@code neurosweep.executor.max-record-bytes}; other threads get {@link #DEFAULT_BYTES}.
 */
public final class RecordLimit {

    /** 1 MiB: far above any record of the supported datasets (mLAMA facts and templates are well under 1 KiB). */
    public static final long DEFAULT_BYTES = 1L << 20;

    private static final ThreadLocal<Long> CURRENT = ThreadLocal.withInitial(() -> DEFAULT_BYTES);

    private RecordLimit() {
    }

    /** The limit of the calling thread. */
    public static long bytes() {
        return CURRENT.get();
    }

    /** Sets the calling thread's limit until the returned scope is closed (which restores the previous one). */
    public static Scope scope(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("the record limit must be positive, got " + bytes);
        }
        long previous = CURRENT.get();
        CURRENT.set(bytes);
        return () -> CURRENT.set(previous);
    }

    /** A limit in force; closing restores the previous one. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** The reason recorded for a record of {@code length} bytes over {@code limit}. */
    static String reason(long length, long limit) {
        return "record of " + length + " bytes is over the limit of " + limit
                + " bytes (neurosweep.executor.max-record-bytes); skipped";
    }
}
