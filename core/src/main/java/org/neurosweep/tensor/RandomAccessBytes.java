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
}
