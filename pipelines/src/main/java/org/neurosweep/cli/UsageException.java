package org.neurosweep.cli;

/** A command line that cannot be run: unknown command or option, missing argument. Exit status 2. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
