package org.neurosweep.jobs.sparse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The headline lines of the SPARCOM jobs; empty tables (every unit failed) give no lines. */
final class SparseHeadlines {

    private SparseHeadlines() {
    }

    /** Whether {@code table} holds rows: the engine reads a table no unit wrote as a frame without columns. */
    static boolean hasRows(Dataset<Row> table) {
        return table.columns().length > 0 && !table.isEmpty();
    }

    /** Per analysis, ε and kind: |S_c| per category, the general and the unique components. */
    static List<String> categorySets(Dataset<Row> genUniq) {
        List<String> out = new ArrayList<>();
        if (!hasRows(genUniq)) {
            return out;
        }
        StringBuilder line = null;
        String key = null;
        for (Row r : genUniq.orderBy("model", "instruction_set", "formatting", "criterion", "eps", "kind", "category")
                .select("model", "instruction_set", "formatting", "criterion", "eps", "kind", "category", "n_set",
                        "n_general", "n_unique").collectAsList()) {
            String k = String.format(Locale.ROOT, "sparse-components %s %s (%s, %s) eps=%s %s:", r.getString(0),
                    r.getString(1), r.getString(2), r.getString(3), r.getDouble(4), r.getString(5));
            if (!k.equals(key)) {
                if (line != null) {
                    out.add(line.toString());
                }
                key = k;
                line = new StringBuilder(k).append(" |S_c|");
            }
            if (r.getString(6).equals(SparseColumns.ALL)) {
                line.append(String.format(Locale.ROOT, "; union %d, general %d, unique %d", r.getInt(7), r.getInt(8),
                        r.getInt(9)));
            } else {
                line.append(' ').append(r.getString(6)).append('=').append(r.getInt(7));
            }
        }
        if (line != null) {
            out.add(line.toString());
        }
        return out;
    }

    /** Per pair, ε and kind (whole model): the base-to-tuned Jaccard of every category's set. */
    static List<String> baseVsTuned(Dataset<Row> rows) {
        List<String> out = new ArrayList<>();
        if (!hasRows(rows)) {
            return out;
        }
        StringBuilder line = null;
        String key = null;
        for (Row r : rows.where("layer is null")
                .orderBy("base_model", "tuned_model", "formatting", "criterion", "eps", "kind", "category")
                .select("base_model", "tuned_model", "formatting", "criterion", "eps", "kind", "category", "jaccard")
                .collectAsList()) {
            String k = String.format(Locale.ROOT, "sparse-components-compare %s -> %s (%s, %s) eps=%s %s Jaccard:",
                    r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getDouble(4), r.getString(5));
            if (!k.equals(key)) {
                if (line != null) {
                    out.add(line.toString());
                }
                key = k;
                line = new StringBuilder(k);
            }
            line.append(' ').append(r.getString(6)).append('=')
                    .append(r.isNullAt(7) ? "-" : String.format(Locale.ROOT, "%.3f", r.getDouble(7)));
        }
        if (line != null) {
            out.add(line.toString());
        }
        return out;
    }
}
