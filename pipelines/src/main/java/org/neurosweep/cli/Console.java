package org.neurosweep.cli;

import java.io.PrintStream;

/**
 * Where a command writes: {@code out} for results (plans, summaries), {@code err} for progress and errors;
 * {@code terminal} says whether progress may redraw a line in place.
 */
record Console(PrintStream out, PrintStream err, boolean terminal) {
}
