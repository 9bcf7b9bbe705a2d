package org.neurosweep.tensor;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A {@link RandomAccessBytes} over one file whose size is fixed when it is opened. {@link #read} rejects any range
 * outside the file, with an {@link EOFException} naming it, before subclasses see it.
 */
abstract class FileBytes implements RandomAccessBytes {

    private final String location;
    private final long size;

    FileBytes(String location, long size) {
        this.location = location;
        this.size = size;
    }

    @Override
    public final String location() {
        return location;
    }

    @Override
    public final long size() {
        return size;
    }

    @Override
    public final ByteBuffer read(long position, int length) throws IOException {
        if (position < 0 || length < 0 || position > size - length) {
            throw new EOFException(location + ": bytes [" + position + ", " + (position + length)
                    + ") lie outside the file of " + size + " bytes");
        }
        return readInside(position, length);
    }

    /** {@link #read} of a range that lies inside the file. */
    abstract ByteBuffer readInside(long position, int length) throws IOException;
}
