package org.neurosweep.jobs.icot;

import org.apache.spark.sql.Row;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Aggregation;
import org.neurosweep.report.ReportQueries;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

/** Headline lines that print a per-layer curve on one line: "label: v0 v1 v2 ...". */
final class Curves {

    private Curves() {
    }

    /**
     * Per model and dataset, the mean of {@code column} over the rows of {@code table} that {@code filter} keeps at each
     * value of the integer column {@code axis}, as one line "model_id, dataset: what v0 v1 ..." in axis order; no lines
     * when the table has no rows.
     */
    static List<String> meanCurves(TableReader tables, String table, Aggregation.Filter filter, String axis, String column,
                                   String what) {
        return lines(ReportQueries.rows(tables, table, groupBy(col("model_id"), col("dataset"), col(axis)).where(filter)
                .avg(column)), 2, what);
    }

    /**
     * {@code rows} sorted by their label columns then by layer: columns {@code 0..labels-1} are strings naming the
     * curve, the next column is the layer, the last is the value (null printed as "-").
     */
    private static List<String> lines(List<Row> rows, int labels, String what) {
        Map<String, StringBuilder> curves = new LinkedHashMap<>();
        for (Row r : rows) {
            List<String> key = new ArrayList<>();
            for (int i = 0; i < labels; i++) {
                key.add(r.getString(i));
            }
            int value = r.length() - 1;
            curves.computeIfAbsent(String.join(", ", key) + ": " + what, k -> new StringBuilder())
                    .append(r.isNullAt(value) ? " -" : String.format(Locale.ROOT, " %.2f", r.getDouble(value)));
        }
        return curves.entrySet().stream().map(e -> e.getKey() + e.getValue()).toList();
    }
}
