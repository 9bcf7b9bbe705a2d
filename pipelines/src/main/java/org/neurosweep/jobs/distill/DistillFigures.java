package org.neurosweep.jobs.distill;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
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

/** The report figures of the distillation jobs: PAD's training curves and evaluation; swing's exposure and task loss. */
final class DistillFigures {

    private DistillFigures() {
    }

    /**
     * pad-sample: per student, the mean length of its samples by seed, those the diversity selection kept against
     * those it dropped, and the share of prompts whose selected responses were distinct (kept for training).
     */
    static List<Chart> padSamples(TableReader tables) {
        List<Chart> charts = new ArrayList<>(ChartData.perName(ReportQueries.rows(tables, PadSampleJob.SAMPLES,
                groupBy(col("model_id"), r -> "seed " + r.get("sample_seed"), r -> r.isTrue("selected") ? "selected" : "dropped")
                        .avg("n_tokens")), (model, r) -> ChartData.bars(model + ": sampled response length by seed",
                "tokens", r)));
        // one row per (prompt, seed): the prompt's share counted per prompt, not per sample
        List<Row> prompts = ReportQueries.rows(tables, PadSampleJob.SAMPLES, groupBy(col("model_id"), col("example_id"))
                .max(r -> r.isTrue("prompt_kept") ? 1.0 : 0.0));
        List<Row> kept = new ArrayList<>();
        ChartData.groupBy(prompts, 0).forEach((model, r) -> kept.add(RowFactory.create(model, "kept for training",
                r.stream().mapToDouble(x -> x.getDouble(2)).average().orElse(Double.NaN))));
        charts.add(ChartData.bars("pad-sample: share of prompts whose selected responses are distinct", "share", kept));
        return charts;
    }

    /**
     * pad-score: per teacher, the mean length-normalised log-probability ℓ_T and MCQ score m_i by response index, and
     * the mean probability that the teacher prefers response i (shown as A) over response j (as B).
     */
    static List<Chart> padScores(TableReader tables) {
        List<Chart> charts = new ArrayList<>(ChartData.perName(ReportQueries.union(
                ReportQueries.rows(tables, PadScoreJob.TEACHER_SCORES, groupBy(col("model_id"),
                        labelled(col("response_idx"), r -> "response " + r.get("response_idx")), r -> "ℓ_T").avg("avg_logp")),
                ReportQueries.rows(tables, PadScoreJob.TEACHER_SCORES, groupBy(col("model_id"),
                        labelled(col("response_idx"), r -> "response " + r.get("response_idx")), r -> "MCQ score m_i")
                        .avg("mcq_score"))),
                (teacher, r) -> ChartData.bars(teacher + ": teacher scores by selected response", "nats", r)));
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, PadScoreJob.MCQ_PAIRS, groupBy(col("model_id"),
                        labelled(col("i"), r -> "A = response " + r.get("i")), col("j")).avg("p_a")),
                (teacher, r) -> ChartData.heatmap(teacher + ": mean probability of preferring A over B", "B = response j",
                        "A = response i", r)));
        return charts;
    }

    /**
     * pad-distill: the optimized loss per step of the PAD and the plain-KD students, PAD's ranking diagnostics
     * (JS, Kendall τ, reward accuracy) per step, and each evaluation metric per role (teacher, before, PAD, KD).
     */
    static List<Chart> pad(TableReader tables) {
        List<Chart> charts = new ArrayList<>();
        List<Row> loss = ReportQueries.rows(tables, PadDistillJob.TRAIN_STEP, groupBy(
                r -> r.get("model_id") == null || r.get("student") == null ? null : r.get("model_id") + " " + r.get("student"),
                col("train_step")).avg("loss"));
        charts.add(new Chart.Line("PAD vs plain KD: training loss per step", "step", "loss", ChartData.series(loss)));
        Aggregation.Filter pad = r -> "pad".equals(r.get("student"));
        List<Row> ranking = ReportQueries.union(
                ReportQueries.rows(tables, PadDistillJob.TRAIN_STEP, groupBy(r -> "JS", col("train_step")).where(pad).avg("loss_js")),
                ReportQueries.rows(tables, PadDistillJob.TRAIN_STEP, groupBy(r -> "Kendall tau", col("train_step")).where(pad)
                        .avg("kendall_tau_mean")),
                ReportQueries.rows(tables, PadDistillJob.TRAIN_STEP, groupBy(r -> "reward accuracy", col("train_step")).where(pad)
                        .avg("reward_acc")));
        charts.add(new Chart.Line("PAD: ranking agreement with the teacher per step", "step", "value", ChartData.series(ranking)));
        ChartData.groupBy(ReportQueries.rows(tables, PadDistillJob.EVAL, groupBy(col("metric"), col("model")).avg("value")), 0)
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
        // sampled exposure of every role, then the extrapolated one (ORDER BY 2, 1)
        List<Row> exposure = new ArrayList<>(ReportQueries.union(
                ReportQueries.rows(tables, SwingDistillJob.EXPOSURE, groupBy(col("model_role"), r -> "exposure").avg("exposure")),
                ReportQueries.rows(tables, SwingDistillJob.EXPOSURE, groupBy(col("model_role"), r -> "extrapolated")
                        .avg("exposure_extrapolated"))));
        exposure.sort(Comparator.comparing((Row r) -> Arrays.asList(r.get(1), r.get(0)), Aggregation.CELLS));
        charts.add(ChartData.bars("Swing vs plain KD: mean canary exposure per role", "bits", exposure));
        ChartData.groupBy(ReportQueries.rows(tables, SwingDistillJob.TASK_EVAL, groupBy(col("metric"), col("model_role")).avg("value")), 0)
                .forEach((metric, rows) -> charts.add(ChartData.bars("Swing vs plain KD: " + metric + " per role", metric,
                        rows.stream().map(r -> RowFactory.create(r.get(1), metric, r.get(2))).toList())));
        return charts;
    }
}
