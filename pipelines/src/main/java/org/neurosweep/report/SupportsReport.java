package org.neurosweep.report;

import org.neurosweep.job.TableReader;

import java.util.List;

/**
 * A job that contributes its section to the run report ({@code neurosweep report}): its figures, drawn from the run's
 * committed tables. Read the tables as the headlines do (a table without rows is an empty frame); return no chart, or
 * charts without data, rather than throwing when the tables are empty (all units failed): the report then says so.
 */
public interface SupportsReport {

    /** The figures of the job's section, in reading order. */
    List<Chart> figures(TableReader tables);
}
