package org.neurosweep.jobs.distill;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

/** The report figures of the distillation jobs: PAD's training curves and evaluation; swing's exposure and task loss. */
final class DistillFigures {

    private DistillFigures() {
    }

    /**
     * pad-distill: the optimized loss per step of the PAD and the plain-KD students, PAD's ranking diagnostics
     * (JS, Kendall τ, reward accuracy) per step, and each evaluation metric per role (teacher, before, PAD, KD).
     */
    static List<Chart> pad(TableReader tables) {
        List<Chart> charts = new ArrayList<>();
        List<Row> loss = ReportQueries.rows(tables, PadDistillJob.TRAIN_STEP, """
                SELECT concat(model_id, ' ', student), train_step, avg(loss) FROM {table}
                GROUP BY model_id, student, train_step ORDER BY 1, 2""");
        charts.add(new Chart.Line("PAD vs plain KD: training loss per step", "step", "loss", ChartData.series(loss)));
        List<Row> ranking = ReportQueries.rows(tables, PadDistillJob.TRAIN_STEP, """
                SELECT 'JS', train_step, avg(loss_js) FROM {table} WHERE student = 'pad' GROUP BY train_step
                UNION ALL SELECT 'Kendall tau', train_step, avg(kendall_tau_mean) FROM {table} WHERE student = 'pad' GROUP BY train_step
                UNION ALL SELECT 'reward accuracy', train_step, avg(reward_acc) FROM {table} WHERE student = 'pad' GROUP BY train_step
                ORDER BY 1, 2""");
        charts.add(new Chart.Line("PAD: ranking agreement with the teacher per step", "step", "value", ChartData.series(ranking)));
        ChartData.groupBy(ReportQueries.rows(tables, PadDistillJob.EVAL, """
                SELECT metric, model, avg(value) FROM {table} GROUP BY metric, model ORDER BY metric, model"""), 0)
                .forEach((metric, rows) -> charts.add(ChartData.bars("PAD evaluation: " + metric + " per role", metric,
                        rows.stream().map(r -> RowFactory.create(r.get(1), metric, r.get(2))).toList())));
        return charts;
    }

    /**
     * swing-distill: mean canary exposure per role (sampled and extrapolated), and the task metrics per role, so that
     * the swing and the plain-KD students' exposure can be read at their task loss.
     */
    static List<Chart> swing(TableReader tables) {
        List<Chart> charts = new ArrayList<>();
        charts.add(ChartData.bars("Swing vs plain KD: mean canary exposure per role", "bits", ReportQueries.rows(tables,
                SwingDistillJob.EXPOSURE, """
                SELECT model_role, 'exposure', avg(exposure) FROM {table} GROUP BY model_role
                UNION ALL SELECT model_role, 'extrapolated', avg(exposure_extrapolated) FROM {table} GROUP BY model_role
                ORDER BY 2, 1""")));
        ChartData.groupBy(ReportQueries.rows(tables, SwingDistillJob.TASK_EVAL, """
                SELECT metric, model_role, avg(value) FROM {table} GROUP BY metric, model_role ORDER BY metric, model_role"""), 0)
                .forEach((metric, rows) -> charts.add(ChartData.bars("Swing vs plain KD: " + metric + " per role", metric,
                        rows.stream().map(r -> RowFactory.create(r.get(1), metric, r.get(2))).toList())));
        return charts;
    }
}
