package org.neurosweep.jobs.probe;

import org.apache.spark.sql.Row;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Aggregation;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;
import static org.neurosweep.report.Aggregation.labelled;

/** The report figures of the factual probe and of LRP2 (docs/methods/lrp2-mlama.md). */
final class ProbeFigures {

    private ProbeFigures() {
    }

    /** mlama-probe: accuracy per language (Σ correct / Σ facts), one bar per model and checkpoint. */
    static List<Chart> accuracy(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, MlamaProbeJob.ACCURACY, groupBy(col("mode"), col("language"),
                r -> r.string("model_id") + (r.get("checkpoint") == null ? "" : "@" + r.get("checkpoint")))
                .ratio(col("n_correct"), col("n_facts")));
        return ChartData.perName(rows, (mode, r) -> ChartData.bars("probe accuracy per language (" + mode + ")", "accuracy", r));
    }

    /**
     * lrp2: per model, test accuracy per language without and with the projection; the dev grid of each language as
     * a heat map (LIRP layer i × LSRP layer j); the layer-wise cosine to English without and with it.
     */
    static List<Chart> lrp2(TableReader tables) {
        // 'without LRP2' before 'with LRP2' (the query's ORDER BY 1, 2, 3 DESC)
        List<Row> summary = new ArrayList<>(ReportQueries.union(
                ReportQueries.rows(tables, Lrp2Job.SUMMARY, groupBy(col("model_id"), col("language"), r -> "without LRP2")
                        .first("accuracy_base")),
                ReportQueries.rows(tables, Lrp2Job.SUMMARY, groupBy(col("model_id"), col("language"), r -> "with LRP2")
                        .first("accuracy_lrp2"))));
        summary.sort(Comparator.comparing((Row r) -> r.getString(0)).thenComparing(r -> r.getString(1))
                .thenComparing((Row r) -> r.getString(2), Comparator.reverseOrder()));
        List<Chart> charts = new ArrayList<>(ChartData.perName(summary,
                (model, r) -> ChartData.bars(model + ": probe accuracy per language, test split", "accuracy", r)));
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, Lrp2Job.GRID,
                        groupBy(r -> r.string("model_id") + ", " + r.string("language"), labelled(col("lirp_layer"), r -> "LIRP " + r.get("lirp_layer")),
                                col("lsrp_layer")).where(r -> r.get("lirp_layer") != null).first("accuracy")),
                (name, r) -> ChartData.heatmap(name + ": dev accuracy by projection layers", "LSRP layer j", "LIRP layer i", r)));
        Aggregation.Filter projected = r -> r.get("lirp_layer") != null;
        charts.addAll(ChartData.perName(ReportQueries.union(
                ReportQueries.rows(tables, Lrp2Job.SIMILARITY, groupBy(col("model_id"), r -> r.string("language") + " without",
                        col("layer")).where(projected).first("mean_cosine_base")),
                ReportQueries.rows(tables, Lrp2Job.SIMILARITY, groupBy(col("model_id"), r -> r.string("language") + " with LRP2",
                        col("layer")).where(projected).first("mean_cosine_lrp2"))),
                (model, r) -> new Chart.Line(model + ": cosine to the English query by layer", "layer",
                "mean cosine", ChartData.series(r))));
        return charts;
    }
}
