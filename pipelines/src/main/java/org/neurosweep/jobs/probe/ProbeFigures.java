package org.neurosweep.jobs.probe;

import org.apache.spark.sql.Row;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

import java.util.ArrayList;
import java.util.List;

/** The report figures of the factual probe and of LRP2 (docs/methods/lrp2-mlama.md). */
final class ProbeFigures {

    private ProbeFigures() {
    }

    /** mlama-probe: accuracy per language (Σ correct / Σ facts), one bar per model and checkpoint. */
    static List<Chart> accuracy(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, MlamaProbeJob.ACCURACY, """
                SELECT mode, language, concat(model_id, coalesce(concat('@', checkpoint), '')), sum(n_correct) / sum(n_facts)
                FROM {table} GROUP BY mode, language, model_id, checkpoint ORDER BY mode, language, model_id, checkpoint""");
        return ChartData.perName(rows, (mode, r) -> ChartData.bars("probe accuracy per language (" + mode + ")", "accuracy", r));
    }

    /**
     * lrp2: per model, test accuracy per language without and with the projection; the dev grid of each language as
     * a heat map (LIRP layer i × LSRP layer j); the layer-wise cosine to English without and with it.
     */
    static List<Chart> lrp2(TableReader tables) {
        List<Chart> charts = new ArrayList<>(ChartData.perName(ReportQueries.rows(tables, Lrp2Job.SUMMARY, """
                SELECT model_id, language, 'without LRP2', accuracy_base FROM {table}
                UNION ALL SELECT model_id, language, 'with LRP2', accuracy_lrp2 FROM {table} ORDER BY 1, 2, 3 DESC"""),
                (model, r) -> ChartData.bars(model + ": probe accuracy per language, test split", "accuracy", r)));
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, Lrp2Job.GRID, """
                SELECT concat(model_id, ', ', language), concat('LIRP ', lirp_layer), lsrp_layer, accuracy FROM {table}
                WHERE lirp_layer IS NOT NULL ORDER BY model_id, language, lirp_layer, lsrp_layer"""),
                (name, r) -> ChartData.heatmap(name + ": dev accuracy by projection layers", "LSRP layer j", "LIRP layer i", r)));
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, Lrp2Job.SIMILARITY, """
                SELECT model_id, concat(language, ' without'), layer, mean_cosine_base FROM {table} WHERE lirp_layer IS NOT NULL
                UNION ALL SELECT model_id, concat(language, ' with LRP2'), layer, mean_cosine_lrp2 FROM {table} WHERE lirp_layer IS NOT NULL
                ORDER BY 1, 2, 3"""), (model, r) -> new Chart.Line(model + ": cosine to the English query by layer", "layer",
                "mean cosine", ChartData.series(r))));
        return charts;
    }
}
