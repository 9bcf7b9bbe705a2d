package org.neurosweep.job;

import org.neurosweep.data.BadRecord;

import java.util.List;

/**
 * Where a unit's outputs go: rows of the job's tables, bad input records (the {@code errors} table) and artifact
 * files. Everything is staged and becomes visible atomically when the unit commits.
 */
public interface RowSink {

    /** The rows of the job's table {@code name} (one of {@link Job#tables()}). */
    TableRows table(String name);

    /** Records the reader skipped; each becomes a row of the {@code errors} table. */
    void badRecords(List<BadRecord> records);

    ArtifactDir artifacts();
}
