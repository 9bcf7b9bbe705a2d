package org.neurosweep.tensor;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Read-only random access to the bytes of one file; implementations allow concurrent reads. */
interface RandomAccessBytes extends Closeable {

    /** The file, as it appears in error messages. */
    String location();

    /** File size in bytes. */
    long size();

    /**
     * The {@code length} bytes at {@code position} as a little-endian buffer with position 0 and limit {@code length}.
     * The buffer may be a view of a memory mapping: callers must not write to it or use it after {@link #close()}.
     *
     * @throws java.io.EOFException when the range does not lie inside the file
     */
    ByteBuffer read(long position, int length) throws IOException;

    /** Rejects a range outside {@code [0, size)}; for implementations. */
    static void checkRange(RandomAccessBytes file, long position, int length) throws java.io.EOFException {
        if (position < 0 || length < 0 || position > file.size() - length) {
            throw new java.io.EOFException(file.location() + ": bytes [" + position + ", " + (position + length)
                    + ") lie outside the file of " + file.size() + " bytes");
        }
    }
}
