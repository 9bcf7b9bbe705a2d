package org.neurosweep.jobs.sparse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.ReportQueries;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

/** The headline lines of the SPARCOM jobs; empty tables (every unit failed) give no lines. */
final class SparseHeadlines {

    private SparseHeadlines() {
    }

    /** Whether {@code table} holds rows: the engine reads a table no unit wrote as a frame without columns. */
    static boolean hasRows(Dataset<Row> table) {
        return table.columns().length > 0 && !table.isEmpty();
    }

    /** Per analysis, ε and kind: |S_c| per category, the general and the unique components. */
    static List<String> categorySets(TableReader tables) {
        List<String> out = new ArrayList<>();
        StringBuilder line = null;
        String key = null;
        // one row per analysis, ε, kind and category: (model, instruction_set, formatting, criterion, eps, kind,
        // category, unit_id, n_set, n_general, n_unique)
        for (Row r : ReportQueries.rows(tables, SparseComponentsJob.GEN_UNIQ, groupBy(col("model"), col("instruction_set"),
                col("formatting"), col("criterion"), col("eps"), col("kind"), col("category"), col("unit_id"))
                .first("n_set").first("n_general").first("n_unique"))) {
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
                line.append(String.format(Locale.ROOT, "; union %d, general %d, unique %d", r.getInt(8), r.getInt(9),
                        r.getInt(10)));
            } else {
                line.append(' ').append(r.getString(6)).append('=').append(r.getInt(8));
            }
        }
        if (line != null) {
            out.add(line.toString());
        }
        return out;
    }

    /** Per pair, ε and kind (whole model): the base-to-tuned Jaccard of every category's set. */
    static List<String> baseVsTuned(TableReader tables) {
        List<String> out = new ArrayList<>();
        StringBuilder line = null;
        String key = null;
        // one row per pair, ε, kind and category: (base_model, tuned_model, formatting, criterion, eps, kind, category,
        // unit_id, jaccard)
        for (Row r : ReportQueries.rows(tables, SparseComponentsCompareJob.BASE_VS_FT, groupBy(col("base_model"),
                col("tuned_model"), col("formatting"), col("criterion"), col("eps"), col("kind"), col("category"),
                col("unit_id")).where(x -> x.get("layer") == null).first("jaccard"))) {
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
                    .append(r.isNullAt(8) ? "-" : String.format(Locale.ROOT, "%.3f", r.getDouble(8)));
        }
        if (line != null) {
            out.add(line.toString());
        }
        return out;
    }
}
