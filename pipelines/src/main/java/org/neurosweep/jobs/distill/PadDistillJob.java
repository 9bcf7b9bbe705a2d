package org.neurosweep.jobs.distill;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.Params;
import org.neurosweep.job.Planner;
import org.neurosweep.job.RunJob;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ReportQueries;
import org.neurosweep.report.SupportsReport;

/**
 * PAD, preference-aligned distillation (Gu et al. 2025; docs/methods/pad-distill.md): the student samples several
 * responses per prompt, a diverse subset is scored by the teacher (mean log-probability and pairwise MCQ judging),
 * and the student is trained so that the Plackett–Luce distribution over rankings of its own rewards (β · mean
 * log-probability) matches the teacher's. One unit = (student, teacher, prompt slice, settings): the PAD run,
 * optionally a plain-KD student on the same responses, and the evaluation of every role. The responses and their
 * teacher scores are read from committed pad-sample and pad-score tables ({@code samples-from}, {@code scores-from}),
 * or computed in the unit ({@code self}, for a single sweep: the engine runs a sweep's units in one stage).
 */
public final class PadDistillJob implements RunJob, NeedsDataset, SupportsHeadlines, SupportsReport {

    static final String TRAIN_STEP = "pad_train_step";
    static final String EVAL = "pad_eval";

    static final String BETA = "beta";
    static final String LOSS = "loss";
    static final String KD_BASELINE = "kd-baseline";
    static final String KD_TAU = "kd-tau";
    static final String KD_LAMBDA = "kd-lambda";

    static final String ROLE_TEACHER = "teacher";
    static final String ROLE_BEFORE = "student_before";
    static final String ROLE_PAD = "student_pad";
    static final String ROLE_KD = "student_kd";

    private static final TableSchema TRAIN_STEP_TABLE = TableSchema.of(TRAIN_STEP,
            "one row per optimizer step of the PAD student and of the plain-KD student",
            Column.required("student", ColumnType.STRING, "pad or kd"),
            Column.required("train_step", ColumnType.LONG, "optimizer step of the run, 0-based (the identity column step is the student checkpoint's)"),
            Column.required("loss", ColumnType.DOUBLE, "the optimized loss (mean over the step's micro-batches)"),
            Column.optional("loss_js", ColumnType.DOUBLE, "pad: JS divergence of the ranking distributions (diagnostic when the loss is vanilla)"),
            Column.optional("loss_vanilla", ColumnType.DOUBLE, "pad: −log P(teacher ranking | student rewards) (diagnostic when the loss is js)"),
            Column.optional("reward_acc", ColumnType.DOUBLE, "pad: fraction of prompts whose student reward of the teacher-best response exceeds that of the teacher-worst"),
            Column.optional("reward_margin", ColumnType.DOUBLE, "pad: mean student reward margin teacher-best − teacher-worst"),
            Column.optional("kendall_tau_mean", ColumnType.DOUBLE, "pad: mean Kendall τ between student and teacher rewards of a prompt"),
            Column.required("lr", ColumnType.DOUBLE, "learning rate of the step"),
            Column.required("grad_norm", ColumnType.DOUBLE, "global gradient norm before clipping"),
            Column.optional("tokens", ColumnType.LONG, "pad: response tokens scored in the step"),
            Column.required("millis", ColumnType.LONG, "wall time of the step"));

    private static final TableSchema EVAL_TABLE = TableSchema.of(EVAL,
            "task quality of the teacher, the student before, the PAD student and the plain-KD student on the held-out instructions",
            Column.required("model", ColumnType.STRING, "teacher, student_before, student_pad or student_kd"),
            Column.required("benchmark", ColumnType.STRING, "the evaluated split of the corpus"),
            Column.required("metric", ColumnType.STRING, "exact_match (greedy answer equals the reference) or response_nll (nats per response token)"),
            Column.required("value", ColumnType.DOUBLE, "the metric's value"),
            Column.optional("judge_model", ColumnType.STRING, "the judge of a judged metric; null here (no judged metric)"),
            Column.required("n_items", ColumnType.LONG, "items behind the value"),
            Column.required("harness_version", ColumnType.STRING, "what computed it: neurosweep's pad-distill and its version"));

    @Override
    public String name() {
        return "pad-distill";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "PAD: sampled responses ranked by teacher and student rewards, Plackett-Luce JS loss; vs plain KD";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(TRAIN_STEP_TABLE, EVAL_TABLE);
    }

    @Override
    public List<ParamSpec> params() {
        List<ParamSpec> specs = new ArrayList<>(DistillParams.specs(40, 1e-4));
        specs.addAll(PadParams.sampling());
        specs.addAll(PadParams.scoring());
        specs.add(PadParams.samplesFrom(PadParams.SELF));
        specs.add(ParamSpec.of(PadParams.SCORES_FROM, ParamType.STRING, PadParams.SELF, "the folder of a committed "
                + "pad_teacher_scores (e.g. out/pad_teacher_scores/run=R, written by pad-score for samples-from), rows of "
                + "this unit's teacher name; self = score in this unit"));
        specs.add(PadParams.sampledBy());
        specs.addAll(List.of(
                ParamSpec.of(BETA, ParamType.DOUBLE, 10.0, "β: rewards are β x scores, student and teacher alike"),
                ParamSpec.of(LOSS, ParamType.STRING, "js", "js (the reference's pd: JS of the ranking distributions) or vanilla (rd: −log P(teacher ranking))"),
                ParamSpec.of(KD_BASELINE, ParamType.BOOLEAN, true, "also train a plain-KD student on the same prompts and selected responses"),
                ParamSpec.of(KD_TAU, ParamType.DOUBLE, 2.0, "the KD baseline's temperature"),
                ParamSpec.of(KD_LAMBDA, ParamType.DOUBLE, 0.5, "the KD baseline's soft-target weight")));
        return specs;
    }

    @Override
    public Planner planner() {
        return new TeacherStudentPlanner(this, this::validate);
    }

    private void validate(Params p) {
        String job = name();
        DistillParams.validate(job, p);
        PadParams.validateSampling(job, p);
        PadParams.validateScoring(job, p);
        DistillParams.require(job, !(p.getDouble(BETA) > 0), BETA, "must be > 0");
        DistillParams.require(job, !List.of("js", "vanilla").contains(p.getString(LOSS)), LOSS, "must be js or vanilla");
        DistillParams.require(job, PadParams.SELF.equals(p.getString(PadParams.SAMPLES_FROM))
                && !PadParams.SELF.equals(p.getString(PadParams.SCORES_FROM)), PadParams.SCORES_FROM,
                "must be self when samples-from is self (committed scores belong to committed samples)");
        DistillParams.require(job, !(p.getDouble(KD_TAU) > 0), KD_TAU, "must be > 0");
        DistillParams.require(job, !(p.getDouble(KD_LAMBDA) >= 0 && p.getDouble(KD_LAMBDA) <= 1), KD_LAMBDA, "must be in [0, 1]");
    }

    @Override
    public Set<String> formats() {
        return Set.of(DistillCorpus.FORMAT);
    }

    @Override
    public KernelFactory kernels() {
        return new PadDistillKernel.Factory();
    }

    /** Per student and metric: before → PAD vs plain KD (and the teacher). */
    @Override
    public List<String> headlines(TableReader tables) {
        List<String> lines = new ArrayList<>();
        // one row per (unit, metric, model role): the student and the value
        List<Row> eval = ReportQueries.rows(tables, EVAL, groupBy(col("unit_id"), col("metric"), col("model"))
                .first("model_id").first("value"));
        Map<String, Map<String, Double>> byUnitMetric = new LinkedHashMap<>();
        Map<String, String> student = new HashMap<>();
        for (Row r : eval) {
            String key = r.getString(0) + "\u0000" + r.getString(1);
            byUnitMetric.computeIfAbsent(key, k -> new HashMap<>()).put(r.getString(2), (Double) r.get(4));
            student.put(key, r.getString(3));
        }
        byUnitMetric.forEach((key, values) -> lines.add(String.format(Locale.ROOT,
                "%s (unit %s) %s: before %s → PAD %s, plain KD %s (teacher %s)", student.get(key),
                key.substring(0, key.indexOf('\u0000')), key.substring(key.indexOf('\u0000') + 1),
                format(values.get(ROLE_BEFORE)), format(values.get(ROLE_PAD)), format(values.get(ROLE_KD)),
                format(values.get(ROLE_TEACHER)))));
        return lines;
    }

    private static String format(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return DistillFigures.pad(tables);
    }
}
