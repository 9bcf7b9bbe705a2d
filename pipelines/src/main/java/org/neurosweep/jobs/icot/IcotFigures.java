package org.neurosweep.jobs.icot;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

import java.util.ArrayList;
import java.util.List;

/**
 * The report figures of the internal chain-of-thought jobs (docs/methods/internal-cot.md): one chart per model, plain means
 * over tasks and seeds as in the headlines.
 */
final class IcotFigures {

    private IcotFigures() {
    }

    /** composite-eval: few-shot y_t accuracy per task and part (composite, s1, s2). */
    static List<Chart> accuracy(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, CompositeEvalJob.ACCURACY_TABLE, """
                SELECT model_id, task, part, avg(acc_yt) FROM {table} WHERE kind = 'icl'
                GROUP BY model_id, task, part ORDER BY model_id, task, part""");
        return ChartData.perName(rows, (model, r) -> ChartData.bars(model + ": few-shot accuracy of y_t per task", "accuracy", r));
    }

    /** context-mask: the X-shape, t1 and y_t accuracy against the first masked layer. */
    static List<Chart> masking(TableReader tables) {
        return curves(tables, ContextMaskJob.TABLE, "layer_from", "true", "masking the demonstrations from layer ℓ",
                "first masked layer ℓ (L = unmasked)", "accuracy", "acc");
    }

    /** logit-lens: MRR of t1 and y_t by layer (block outputs at the last position, the papers' final-scale lens). */
    static List<Chart> lens(TableReader tables) {
        return curves(tables, LogitLensJob.DECODING_TABLE, "layer",
                "component = 'resid_post' AND norm = 'final_scale' AND position = -1", "logit lens at the last position",
                "layer", "MRR", "mrr");
    }

    /**
     * cross-task-patch: strength S(l) by layer, per task and step, and the patched accuracy itself (S is undefined,
     * and its map empty, where few-shot prompting does not beat zero-shot).
     */
    static List<Chart> patching(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, CrossTaskPatchJob.TABLE, """
                SELECT model_id, concat(task, ' ', subtask), layer, avg(strength), avg(acc_patched) FROM {table}
                GROUP BY model_id, task, subtask, layer ORDER BY model_id, task, subtask, layer""");
        List<Chart> charts = new ArrayList<>();
        ChartData.groupBy(rows, 0).forEach((model, r) -> {
            charts.add(ChartData.heatmap(model + ": patching strength S(l)", "layer l", "task, step", column(r, 3)));
            charts.add(ChartData.heatmap(model + ": accuracy with the task vector patched at layer l", "layer l", "task, step",
                    column(r, 4)));
        });
        return charts;
    }

    /** Rows (model, label, layer, values...) as (label, layer, value {@code i}). */
    private static List<Row> column(List<Row> rows, int i) {
        return rows.stream().map(r -> RowFactory.create(r.get(1), r.get(2), r.get(i))).toList();
    }

    /** trace-decode: MRR of the constraints' best keyword token under the lens, by lens layer and first masked layer. */
    static List<Chart> traceLens(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, TraceDecodeJob.LENS_TABLE, """
                SELECT model_id, concat('masked from ', layer_from), layer, ns_mrr(best_rank) FROM {table}
                GROUP BY model_id, layer_from, layer ORDER BY model_id, layer_from, layer""");
        return ChartData.perName(rows, (model, r) -> ChartData.heatmap(model + ": MRR of the constraints' keywords under the lens",
                "lens layer", "TRACE prompt masked from layer", r));
    }

    /** Per model, two curves over {@code axis}: the means of {@code prefix}_t1 and {@code prefix}_yt. */
    private static List<Chart> curves(TableReader tables, String table, String axis, String filter, String what, String xLabel,
                                      String yLabel, String prefix) {
        String query = """
                SELECT model_id, 't1 (bridge)', AXIS, avg(PREFIX_t1) FROM {table} WHERE FILTER GROUP BY model_id, AXIS
                UNION ALL
                SELECT model_id, 'y_t (answer)', AXIS, avg(PREFIX_yt) FROM {table} WHERE FILTER GROUP BY model_id, AXIS
                ORDER BY 1, 2, 3""".replace("AXIS", axis).replace("PREFIX", prefix).replace("FILTER", filter);
        return ChartData.perName(ReportQueries.rows(tables, table, query),
                (model, r) -> new Chart.Line(model + ": " + what, xLabel, yLabel, ChartData.series(r)));
    }
}
