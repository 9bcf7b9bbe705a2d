package org.neurosweep.job;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Reads the tables of one run, for summaries on the driver. */
public interface TableReader {

    /** The committed rows of table {@code name} in this run; empty when the table has no rows. */
    Dataset<Row> table(String name);

    /** The number of committed rows of table {@code name} in this run (a reader may know it without a Spark job). */
    default long rows(String name) {
        return table(name).count();
    }
}
