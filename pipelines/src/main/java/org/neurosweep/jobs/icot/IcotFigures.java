package org.neurosweep.jobs.icot;

import org.apache.spark.sql.Row;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Aggregation;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

import java.util.ArrayList;
import java.util.List;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;
import static org.neurosweep.report.Aggregation.labelled;

/**
 * The report figures of the internal chain-of-thought jobs (docs/methods/internal-cot.md): one chart per model, plain means
 * over tasks and seeds as in the headlines.
 */
final class IcotFigures {

    private IcotFigures() {
    }

    /** composite-eval: few-shot y_t accuracy per task and part (composite, s1, s2). */
    static List<Chart> accuracy(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, CompositeEvalJob.ACCURACY_TABLE,
                groupBy(col("model_id"), col("task"), col("part")).where(r -> "icl".equals(r.get("kind"))).avg("acc_yt"));
        return ChartData.perName(rows, (model, r) -> ChartData.bars(model + ": few-shot accuracy of y_t per task", "accuracy", r));
    }

    /** context-mask: the X-shape, t1 and y_t accuracy against the first masked layer. */
    static List<Chart> masking(TableReader tables) {
        return curves(tables, ContextMaskJob.TABLE, "layer_from", r -> true, "masking the demonstrations from layer ℓ",
                "first masked layer ℓ (L = unmasked)", "accuracy", "acc");
    }

    /** logit-lens: MRR of t1 and y_t by layer (block outputs at the last position, the papers' final-scale lens). */
    static List<Chart> lens(TableReader tables) {
        return curves(tables, LogitLensJob.DECODING_TABLE, "layer", LogitLensJob.PAPERS_LENS,
                "logit lens at the last position", "layer", "MRR", "mrr");
    }

    /**
     * cross-task-patch: strength S(l) by layer, per task and step, and the patched accuracy itself (S is undefined,
     * and its map empty, where few-shot prompting does not beat zero-shot).
     */
    static List<Chart> patching(TableReader tables) {
        // rows "task step" ordered by task, then step, then layer
        List<Row> rows = ReportQueries.rows(tables, CrossTaskPatchJob.TABLE, groupBy(col("model_id"),
                labelled(r -> r.string("task") + '\0' + r.string("subtask"), r -> r.string("task") + " " + r.string("subtask")),
                col("layer")).avg("strength").avg("acc_patched"));
        List<Chart> charts = new ArrayList<>();
        ChartData.groupBy(rows, 0).forEach((model, r) -> {
            charts.add(ChartData.heatmap(model + ": patching strength S(l)", "layer l", "task, step", ChartData.pick(r, 1, 2, 3)));
            charts.add(ChartData.heatmap(model + ": accuracy with the task vector patched at layer l", "layer l", "task, step",
                    ChartData.pick(r, 1, 2, 4)));
        });
        return charts;
    }

    /** trace-decode: MRR of the constraints' best keyword token under the lens, by lens layer and first masked layer. */
    static List<Chart> traceLens(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, TraceDecodeJob.LENS_TABLE, groupBy(col("model_id"),
                labelled(col("layer_from"), r -> "masked from " + r.get("layer_from")), col("layer")).mrr("best_rank"));
        return ChartData.perName(rows, (model, r) -> ChartData.heatmap(model + ": MRR of the constraints' keywords under the lens",
                "lens layer", "TRACE prompt masked from layer", r));
    }

    /**
     * Per model, two curves over {@code axis} (rows kept by {@code filter}): the means of {@code prefix}_t1 and
     * {@code prefix}_yt.
     */
    private static List<Chart> curves(TableReader tables, String table, String axis, Aggregation.Filter filter, String what,
                                      String xLabel, String yLabel, String prefix) {
        List<Row> rows = ReportQueries.union(
                ReportQueries.rows(tables, table, groupBy(col("model_id"), r -> "t1 (bridge)", col(axis)).where(filter)
                        .avg(prefix + "_t1")),
                ReportQueries.rows(tables, table, groupBy(col("model_id"), r -> "y_t (answer)", col(axis)).where(filter)
                        .avg(prefix + "_yt")));
        return ChartData.perName(rows, (model, r) -> new Chart.Line(model + ": " + what, xLabel, yLabel, ChartData.series(r)));
    }
}
