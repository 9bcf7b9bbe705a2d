package org.neurosweep.jobs;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The table queries that the jobs' headline lines share. */
public final class HeadlineQueries {

    private HeadlineQueries() {
    }

    /**
     * {@code rows} grouped by {@code keys} (at least one), aggregated by {@code aggregate} and {@code more}, sorted by the
     * keys and collected on the driver: a row holds the keys, then the aggregates, in that order.
     */
    public static List<Row> grouped(Dataset<Row> rows, List<String> keys, Column aggregate, Column... more) {
        String first = keys.get(0);
        String[] rest = keys.subList(1, keys.size()).toArray(String[]::new);
        return rows.groupBy(first, rest).agg(aggregate, more).orderBy(first, rest).collectAsList();
    }
}
