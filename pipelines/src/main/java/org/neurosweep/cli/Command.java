package org.neurosweep.cli;

import java.util.Set;

/** A subcommand of {@code neurosweep}. */
interface Command {

    String name();

    /** One line for the command list. */
    String summary();

    /** The full {@code --help} text. */
    String help();

    Set<String> valueOptions();

    default Set<String> flagOptions() {
        return Set.of("help");
    }

    /** Runs the command; returns the exit status. */
    int run(Args args, Console console) throws Exception;
}
