package org.neurosweep.jobs.evaluation;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Aggregation;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

/** The report figures of the evaluation jobs: perplexity curves, capability curves over pretraining with their phases. */
final class EvaluationFigures {

    private EvaluationFigures() {
    }

    /**
     * perplexity: corpus perplexity exp(Σ nll / Σ tokens) per dataset, over the steps of each checkpoint series (log
     * scale), and per model and checkpoint as bars (single models have no step).
     */
    static List<Chart> perplexity(TableReader tables) {
        // (dataset, model, step, perplexity, checkpoint)
        List<Row> rows = ChartData.pick(ReportQueries.rows(tables, PerplexityJob.TABLE,
                groupBy(col("dataset"), col("model_id"), col("step"), col("checkpoint"))
                        .ratio(col("nll"), col("tokens")).then(Math::exp)), 0, 1, 2, 4, 3);
        List<Chart> charts = new ArrayList<>();
        ChartData.groupBy(rows, 0).forEach((dataset, r) -> {
            List<Row> series = ChartData.pick(r.stream().filter(x -> !x.isNullAt(2)).toList(), 1, 2, 3);
            List<Chart.Series> curves = ChartData.series(series).stream().filter(s -> s.x().length > 1).toList();
            if (!curves.isEmpty()) {
                charts.add(new Chart.Line(dataset + ": perplexity over training", "step", "perplexity", curves, List.of(), true));
            }
            charts.add(ChartData.bars(dataset + ": perplexity per model and checkpoint", "perplexity", r.stream()
                    .map(x -> RowFactory.create(x.get(1) + (x.isNullAt(4) ? "" : "@" + x.get(4)),
                            "perplexity", x.get(3))).toList()));
        });
        return charts;
    }

    /**
     * checkpoint-eval: per benchmark, its primary metric (accuracy; perplexity for text) over training progress
     * (tokens seen, else steps; log scale) per series, with the trajectory's phase boundaries t50 and t90 (the first
     * progress covering 50% and 90% of the gain) as markers.
     */
    static List<Chart> capabilityCurves(TableReader tables) {
        Aggregation.Filter primary = r -> "all".equals(r.get("subtask"))
                && ("accuracy".equals(r.get("metric")) || "perplexity".equals(r.get("metric")));
        // one row per checkpoint (eval_task_scores: a row per checkpoint, dataset, subtask and metric):
        // (dataset, model, progress, value, metric, whether the dataset's progress is in steps)
        List<Row> points = stepsWhereTokensUnknown(ReportQueries.rows(tables, CheckpointEvalJob.SCORES,
                groupBy(col("dataset"), col("model_id"), PROGRESS, col("checkpoint"), col("metric"))
                        .where(primary).where(r -> PROGRESS.of(r) != null && ((Number) PROGRESS.of(r)).doubleValue() > 0)
                        .first("value").first(r -> r.get("tokens_seen") == null)));
        // one row per series, benchmark, subtask and metric: (benchmark, series, t50, t90, phase label)
        List<Row> phases = ChartData.pick(ReportQueries.rows(tables, CheckpointEvalJob.FEATURES,
                groupBy(col("benchmark"), col("series"), col("subtask"), col("metric")).where(primary)
                        .first("t50").first("t90").first("phase_label")), 0, 1, 4, 5, 6);
        List<Chart> charts = new ArrayList<>();
        ChartData.groupBy(points, 0).forEach((benchmark, r) -> {
            List<Chart.Marker> markers = new ArrayList<>();
            StringBuilder labels = new StringBuilder();
            for (Row p : phases) {
                if (p.getString(0).equals(benchmark)) {
                    addMarker(markers, p, 2, "t50");
                    addMarker(markers, p, 3, "t90");
                    labels.append(labels.isEmpty() ? " (phase: " : ", ").append(p.getString(1)).append(" ").append(p.getString(4));
                }
            }
            String metric = r.get(0).getString(4);
            String progress = r.get(0).getBoolean(5) ? "step" : "tokens seen";
            List<Row> series = ChartData.pick(r, 1, 2, 3);
            charts.add(new Chart.Line(benchmark + ": " + metric + " over pretraining" + labels + (labels.isEmpty() ? "" : ")"),
                    progress, metric, ChartData.series(series), markers, true));
        });
        return charts;
    }

    /** Training progress of a checkpoint: tokens seen, else the step. */
    private static final Aggregation.Cell PROGRESS = r -> r.get("tokens_seen") != null ? r.get("tokens_seen") : r.get("step");

    /**
     * Rows (dataset, model, progress, checkpoint, metric, value, tokens unknown) as (dataset, model, progress, value,
     * metric, whether the tokens of any of the dataset's rows are unknown: its progress is then read in steps).
     */
    private static List<Row> stepsWhereTokensUnknown(List<Row> rows) {
        Set<Object> inSteps = new HashSet<>();
        rows.stream().filter(x -> x.getBoolean(6)).forEach(x -> inSteps.add(x.get(0)));
        return rows.stream().map(x -> RowFactory.create(x.get(0), x.get(1), x.get(2), x.get(5), x.get(4),
                inSteps.contains(x.get(0)))).toList();
    }

    private static void addMarker(List<Chart.Marker> markers, Row phase, int column, String name) {
        if (!phase.isNullAt(column)) {
            markers.add(new Chart.Marker(phase.getDouble(column), name));
        }
    }
}
