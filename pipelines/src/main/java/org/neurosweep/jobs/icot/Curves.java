package org.neurosweep.jobs.icot;

import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Headline lines that print a per-layer curve on one line: "label: v0 v1 v2 ...". */
final class Curves {

    private Curves() {
    }

    /**
     * {@code rows} sorted by their label columns then by layer: columns {@code 0..labels-1} are strings naming the
     * curve, the next column is the layer, the last is the value (null printed as "-").
     */
    static List<String> lines(List<Row> rows, int labels, String what) {
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
