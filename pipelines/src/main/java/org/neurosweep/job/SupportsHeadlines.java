package org.neurosweep.job;

import java.util.List;

/** A job that can summarize its tables in a few lines (printed at the end of {@code run} and {@code demo}). */
public interface SupportsHeadlines {

    /** A few human-readable lines from the tables of the finished run. */
    List<String> headlines(TableReader tables);
}
