package org.neurosweep.job;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.Optional;

/** Reads the tables of one run, for summaries on the driver. */
public interface TableReader {

    /** The committed rows of table {@code name} in this run; empty when the table has no rows. */
    Dataset<Row> table(String name);

    /** The number of committed rows of table {@code name} in this run (a reader may know it without a Spark job). */
    default long rows(String name) {
        return table(name).count();
    }

    /**
     * The committed rows of table {@code name} read on the driver without Spark, when the reader reads them there (a
     * small table); empty when the table is to be read through {@link #table} (a large one, or a reader of frames only).
     */
    default Optional<List<TableRow>> driverRows(String name) {
        return Optional.empty();
    }
}
