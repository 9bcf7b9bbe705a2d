package org.neurosweep.jobs.neurons;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Aggregation;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;
import static org.neurosweep.report.Aggregation.labelled;

/**
 * The report figures of the knowledge- and privacy-neuron jobs (docs/methods/neuron-attribution.md,
 * docs/methods/privacy-neurons.md): where the neurons sit by layer, the cross-language overlap, and exposure against
 * the number of times a secret was seen, before and after editing.
 */
final class NeuronFigures {

    private NeuronFigures() {
    }

    /**
     * neuron-attribution: per model, the knowledge neurons per layer (share of each language's); the mean summed
     * attribution of each layer (its probability drop, by completeness); the overlap per language pair and condition,
     * same vs different relations.
     */
    static List<Chart> knowledge(TableReader tables) {
        List<Chart> charts = new ArrayList<>(ChartData.perName(sharePerLanguage(ReportQueries.rows(tables,
                        NeuronAttributionJob.KNOWLEDGE, groupBy(col("model_id"), labelled(col("layer"), r -> layerLabel(r.get("layer"))),
                                col("language")).count())),
                (model, r) -> ChartData.bars(model + ": knowledge neurons by layer (share per language)", "share", r)));
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, NeuronAttributionJob.DIAGNOSTICS,
                        groupBy(col("model_id"), col("language"), col("layer")).avg("sum_attr")),
                (model, r) -> new Chart.Line(model + ": neuron attribution by layer (mean sum over the layer's neurons)",
                        "layer", "mean summed attribution", ChartData.series(r))));
        // per model and language pair, 'same relation' before 'different relations'
        List<Row> overlap = new ArrayList<>(ReportQueries.rows(tables, NeuronAttributionJob.OVERLAP, groupBy(col("model_id"),
                r -> r.get("language_a") == null || r.get("language_b") == null || r.get("condition") == null ? null
                        : r.get("language_a") + "-" + r.get("language_b") + " " + r.get("condition"),
                labelled(col("same_relation"), r -> r.isTrue("same_relation") ? "same relation" : "different relations"))
                .avg("overlap")));
        overlap.sort(Comparator.comparing((Row r) -> Arrays.asList(r.get(0), r.get(1)), Aggregation.CELLS)
                .thenComparing((Row r) -> r.getString(2), Comparator.reverseOrder()));
        charts.addAll(ChartData.perName(overlap,
                (model, r) -> ChartData.bars(model + ": knowledge-neuron overlap between languages", "overlap", r)));
        return charts;
    }

    /**
     * privacy-neurons: per model, mean exposure against repetitions, unedited and after each edit; the voted privacy
     * neurons by layer (the top 20 and all voted).
     */
    static List<Chart> privacy(TableReader tables) {
        // exposure before editing is the same for every z: read at the least z
        List<Row> leastZ = ReportQueries.rows(tables, PrivacyNeuronsJob.EVAL, groupBy().min("z"));
        Double z0 = leastZ.isEmpty() ? null : (Double) leastZ.get(0).get(0);
        Aggregation.Filter repeated = r -> r.get("repetitions") != null;
        List<Row> exposure = ReportQueries.union(
                ReportQueries.rows(tables, PrivacyNeuronsJob.EVAL, groupBy(col("model_id"), r -> "before editing",
                        col("repetitions")).where(repeated).where(r -> z0 != null && z0.equals(r.number("z"))).avg("exposure_before")),
                ReportQueries.rows(tables, PrivacyNeuronsJob.EVAL, groupBy(col("model_id"),
                        r -> r.get("z") == null ? null : "after editing z = " + r.get("z"), col("repetitions"))
                        .where(repeated).avg("exposure_after")));
        List<Chart> charts = new ArrayList<>(ChartData.perName(exposure,
                (model, r) -> new Chart.Line(model + ": exposure against repetitions in training", "repetitions",
                        "mean exact exposure (bits)", ChartData.series(r), List.of(), true)));
        charts.addAll(ChartData.perName(ReportQueries.union(
                        ReportQueries.rows(tables, PrivacyNeuronsJob.VOTES, groupBy(col("model_id"), r -> layerLabel(r.get("layer")),
                                r -> "top 20").where(r -> r.get("selection_rank") != null && r.number("selection_rank") <= 20).count()),
                        ReportQueries.rows(tables, PrivacyNeuronsJob.VOTES, groupBy(col("model_id"), r -> layerLabel(r.get("layer")),
                                r -> "all voted").count())),
                (model, r) -> ChartData.bars(model + ": privacy neurons by layer", "neurons", r)));
        return charts;
    }

    /** exposure: mean exposure against repetitions, one line per model and checkpoint. */
    static List<Chart> exposure(TableReader tables) {
        List<Chart> charts = new ArrayList<>();
        List<Row> rows = ReportQueries.rows(tables, ExposureJob.EXPOSURE, groupBy(
                r -> r.get("model_id") == null ? null : r.get("model_id") + (r.get("checkpoint") == null ? "" : "@" + r.get("checkpoint")),
                col("repetitions")).where(r -> r.get("repetitions") != null).avg("exposure"));
        charts.add(new Chart.Line("exposure against repetitions in training", "repetitions", "mean exact exposure (bits)",
                ChartData.series(rows), List.of(), true));
        return charts;
    }

    /** SQL's {@code concat('layer ', lpad(CAST(layer AS STRING), 2, '0'))}: "layer 07" (lpad cuts longer text to 2). */
    private static String layerLabel(Object layer) {
        if (layer == null) {
            return null;
        }
        String s = layer.toString();
        return "layer " + (s.length() >= 2 ? s.substring(0, 2) : "0".repeat(2 - s.length()) + s);
    }

    /**
     * Rows (model, layer, language, neurons) as (model, layer, language, share of the model's and language's neurons),
     * SQL's {@code count(*) / sum(count(*)) OVER (PARTITION BY model_id, language)}.
     */
    private static List<Row> sharePerLanguage(List<Row> rows) {
        Map<List<Object>, Long> totals = new HashMap<>();
        rows.forEach(r -> totals.merge(Arrays.asList(r.get(0), r.get(2)), r.getLong(3), Long::sum));
        return rows.stream().map(r -> RowFactory.create(r.get(0), r.get(1), r.get(2),
                (double) r.getLong(3) / totals.get(Arrays.asList(r.get(0), r.get(2))))).toList();
    }
}
