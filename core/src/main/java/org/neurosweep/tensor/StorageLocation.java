package org.neurosweep.tensor;

import java.io.IOException;

/** A file or directory on the local disk or on a Hadoop file system, as far as opening checkpoints needs. */
interface StorageLocation {

    /** The last path component. */
    String fileName();

    boolean exists() throws IOException;

    boolean isDirectory() throws IOException;

    /** {@code relative} resolved against this directory. */
    StorageLocation child(String relative);

    /** {@code relative} resolved against this file's directory. */
    StorageLocation sibling(String relative);

    /** Random access to this file's bytes; the caller closes it. */
    RandomAccessBytes openBytes() throws IOException;
}
