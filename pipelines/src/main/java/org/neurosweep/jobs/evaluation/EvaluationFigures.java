package org.neurosweep.jobs.evaluation;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

import java.util.ArrayList;
import java.util.List;

/** The report figures of the evaluation jobs: perplexity curves, capability curves over pretraining with their phases. */
final class EvaluationFigures {

    private EvaluationFigures() {
    }

    /**
     * perplexity: corpus perplexity exp(Σ nll / Σ tokens) per dataset, over the steps of each checkpoint series (log
     * scale), and per model and checkpoint as bars (single models have no step).
     */
    static List<Chart> perplexity(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, PerplexityJob.TABLE, """
                SELECT dataset, model_id, step, exp(sum(nll) / sum(tokens)), checkpoint FROM {table}
                GROUP BY dataset, model_id, checkpoint, step ORDER BY dataset, model_id, step""");
        List<Chart> charts = new ArrayList<>();
        ChartData.groupBy(rows, 0).forEach((dataset, r) -> {
            List<Row> series = r.stream().filter(x -> !x.isNullAt(2))
                    .map(x -> RowFactory.create(x.get(1), x.get(2), x.get(3))).toList();
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
        List<Row> points = ReportQueries.rows(tables, CheckpointEvalJob.SCORES, """
                SELECT dataset, model_id, coalesce(tokens_seen, step), value, metric, max(tokens_seen IS NULL) OVER (PARTITION BY dataset)
                FROM {table} WHERE subtask = 'all' AND metric IN ('accuracy', 'perplexity') AND coalesce(tokens_seen, step) > 0
                ORDER BY dataset, model_id, 3""");
        List<Row> phases = ReportQueries.rows(tables, CheckpointEvalJob.FEATURES, """
                SELECT benchmark, series, t50, t90, phase_label FROM {table}
                WHERE subtask = 'all' AND metric IN ('accuracy', 'perplexity')""");
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
            List<Row> series = r.stream().map(x -> RowFactory.create(x.get(1), x.get(2), x.get(3))).toList();
            charts.add(new Chart.Line(benchmark + ": " + metric + " over pretraining" + labels + (labels.isEmpty() ? "" : ")"),
                    progress, metric, ChartData.series(series), markers, true));
        });
        return charts;
    }

    private static void addMarker(List<Chart.Marker> markers, Row phase, int column, String name) {
        if (!phase.isNullAt(column)) {
            markers.add(new Chart.Marker(phase.getDouble(column), name));
        }
    }
}
