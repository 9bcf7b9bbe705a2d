package org.neurosweep.jobs.icot;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.neurosweep.jobs.HeadlineQueries;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;

/** Headline lines that print a per-layer curve on one line: "label: v0 v1 v2 ...". */
final class Curves {

    private Curves() {
    }

    /**
     * Per model and dataset, the mean of {@code column} over the rows at each value of the integer column {@code axis},
     * as one line "model_id, dataset: what v0 v1 ..." in axis order.
     */
    static List<String> meanCurves(Dataset<Row> rows, String axis, String column, String what) {
        return lines(HeadlineQueries.grouped(rows, List.of("model_id", "dataset", axis), avg(col(column))), 2, what);
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
