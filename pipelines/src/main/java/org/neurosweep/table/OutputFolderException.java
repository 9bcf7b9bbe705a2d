package org.neurosweep.table;

import java.io.IOException;

/** The output folder ({@code --out}, {@code neurosweep.out}) cannot hold tables: it is a file, or not writable. */
public final class OutputFolderException extends IOException {

    public OutputFolderException(String message) {
        super(message);
    }
}
