package org.neurosweep.jobs.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.methods.evaluation.CurveAlignment;
import org.neurosweep.methods.evaluation.LeadLag;
import org.neurosweep.methods.evaluation.TrainingDynamics;
import org.neurosweep.methods.evaluation.TrajectoryFeatures;

import static org.neurosweep.jobs.JobTables.orNull;

/**
 * The driver side of checkpoint-eval: the committed {@code eval_task_scores} of the run become curves per series
 * (model_id), benchmark (dataset), subtask and metric, then trajectory features, group lead/lag and cross-series
 * alignment (see {@link TrainingDynamics}). Rows without a step (a single model, not a series) and checkpoints at
 * step 0 (no log-progress) are left out. NaN statistics are written as null.
 */
final class CheckpointDynamicsSummary {

    /** The metrics that stand for a benchmark in its group's curve. */
    static final Set<String> PRIMARY_METRICS = Set.of("accuracy", "mean_nll");
    /** Lead/lag is searched over lags -2..2 checkpoints: series hold few checkpoints. */
    static final int MAX_LAG = 2;

    private CheckpointDynamicsSummary() {
    }

    static void write(Dataset<Row> scores, RowSink out) {
        List<TrainingDynamics.Point> points = new ArrayList<>();
        boolean tokens = true;
        List<Row> rows = scores.isEmpty() ? List.of() : scores.where("step is not null").select("model_id", "dataset",
                "subtask", "capability_group", "metric", "step", "tokens_seen", "value", "normalized_value",
                "higher_is_better").collectAsList();
        for (Row r : rows) {
            tokens &= !r.isNullAt(6);
        }
        for (Row r : rows) {
            double progress = tokens ? r.getLong(6) : r.getLong(5);
            if (progress <= 0) {
                continue;
            }
            double y = !r.isNullAt(8) ? r.getDouble(8) : r.getBoolean(9) ? r.getDouble(7) : -r.getDouble(7);
            points.add(new TrainingDynamics.Point(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
                    r.getString(4), progress, y));
        }
        List<TrainingDynamics.Curve> curves = TrainingDynamics.curves(points);
        String unit = tokens ? "tokens" : "steps";
        TableRows features = out.table(CheckpointEvalJob.FEATURES);
        for (TrainingDynamics.CurveFeatures cf : TrainingDynamics.features(curves)) {
            TrainingDynamics.Curve c = cf.curve();
            TrajectoryFeatures f = cf.features();
            features.add(null, c.series(), c.benchmark(), c.group(), c.subtask(), c.metric(), unit, f.points(),
                    c.progress()[0], c.progress()[c.progress().length - 1], f.finalValue(), f.gain(), f.t50(), f.t90(),
                    orNull(f.earlySlope()), orNull(f.lateSlope()), orNull(f.monotonicity()), orNull(f.noise()),
                    f.saturatedAt(), f.phase());
        }
        TableRows leadLag = out.table(CheckpointEvalJob.LEAD_LAG);
        for (TrainingDynamics.GroupLeadLag g : TrainingDynamics.leadLag(curves,
                c -> c.subtask().equals(CheckpointEvalKernel.ALL) && PRIMARY_METRICS.contains(c.metric()), MAX_LAG)) {
            LeadLag l = g.leadLag();
            leadLag.add(null, g.series(), g.groupA(), g.groupB(), l.points(), orNull(l.corrLag0()), l.bestLag(),
                    orNull(l.corrBestLag()));
        }
        TableRows alignment = out.table(CheckpointEvalJob.ALIGNMENT);
        for (TrainingDynamics.SeriesAlignment a : TrainingDynamics.alignments(curves)) {
            CurveAlignment al = a.alignment();
            alignment.add(null, a.benchmark(), a.subtask(), a.metric(), a.seriesA(), a.seriesB(),
                    al.alignment().name().toLowerCase(Locale.ROOT), al.from(), al.to(), al.shapeDistance(),
                    orNull(al.spearmanDiff()));
        }
    }
}
