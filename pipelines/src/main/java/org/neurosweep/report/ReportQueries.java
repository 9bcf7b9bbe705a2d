package org.neurosweep.report;

import org.apache.spark.sql.Row;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableRow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The one way report sections (and driver summaries) read a run's table: an {@link Aggregation} over the rows the
 * reader holds on the driver when the table is small (no Spark job: a Spark query per figure made the demo's report
 * take 10–20 s), otherwise over the table's Spark frame. Nothing when the table has no rows, so a section never
 * reads columns of an empty table.
 */
public final class ReportQueries {

    private ReportQueries() {
    }

    /** The rows {@code aggregation} makes of table {@code table} of the run; an empty list when the table has no rows. */
    public static List<Row> rows(TableReader tables, String table, Aggregation aggregation) {
        if (tables.rows(table) == 0) {
            return List.of();
        }
        Optional<List<TableRow>> held = tables.driverRows(table);
        return held.isPresent() ? aggregation.over(held.get()) : aggregation.over(tables.table(table));
    }

    /** SQL's {@code UNION ALL … ORDER BY 1, 2, …}: the rows of every part, sorted by their cells ({@link Aggregation#ROWS}). */
    @SafeVarargs
    public static List<Row> union(List<Row>... parts) {
        List<Row> all = new ArrayList<>();
        Arrays.stream(parts).forEach(all::addAll);
        all.sort(Aggregation.ROWS);
        return all;
    }
}
