package org.neurosweep.report;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.neurosweep.job.TableReader;

import java.util.List;

/** The one query helper of report sections: SQL over one of the run's tables, nothing when the table has no rows. */
public final class ReportQueries {

    private ReportQueries() {
    }

    /**
     * The rows of {@code query}, in which {@code {table}} stands for table {@code table} of the run; an empty list when the
     * table has no rows (so a section never queries columns of an empty frame). The ns_* functions may be used.
     */
    public static List<Row> rows(TableReader tables, String table, String query) {
        if (tables.rows(table) == 0) {
            return List.of();
        }
        Dataset<Row> rows = tables.table(table);
        String view = "ns_report_" + table;
        rows.createOrReplaceTempView(view);
        return rows.sparkSession().sql(query.replace("{table}", view)).collectAsList();
    }
}
