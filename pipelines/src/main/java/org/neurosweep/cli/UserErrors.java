package org.neurosweep.cli;

import org.neurosweep.data.DatasetException;
import org.neurosweep.model.CheckpointException;
import org.neurosweep.model.ModelConfigException;
import org.neurosweep.sweep.PlanningException;
import org.neurosweep.table.OutputFolderException;
import org.neurosweep.tensor.TensorFormatException;
import org.neurosweep.text.TokenizerException;

import java.io.FileNotFoundException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Tells errors caused by the user's input (a file that is missing, malformed or refused; an output folder that cannot
 * be written) from internal errors: the former are reported as one line and exit 2, the latter with a stack trace.
 */
final class UserErrors {

    private UserErrors() {
    }

    /** One line for {@code e} if it (or a cause) is a user error; null for an internal error. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PlanningException p) {
                return p.line();
            }
            if (t instanceof CheckpointException || t instanceof ModelConfigException || t instanceof TensorFormatException
                    || t instanceof TokenizerException || t instanceof DatasetException || t instanceof OutputFolderException) {
                return t.getMessage();
            }
            if (t instanceof NoSuchFileException n) {
                return n.getFile() + ": no such file or directory";
            }
            if (t instanceof AccessDeniedException a) {
                return a.getFile() + ": permission denied";
            }
            if (t instanceof FileNotFoundException f) {
                return f.getMessage();
            }
        }
        return null;
    }
}
