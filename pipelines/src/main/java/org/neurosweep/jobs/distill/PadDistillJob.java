package org.neurosweep.jobs.distill;

import static org.apache.spark.sql.functions.col;

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
import org.neurosweep.methods.pad.McqJudge;

/**
 * PAD, preference-aligned distillation (Gu et al. 2025; docs/methods/pad-distill.md): the student samples several
 * responses per prompt, a diverse subset is scored by the teacher (mean log-probability and pairwise MCQ judging),
 * and the student is trained so that the Plackett–Luce distribution over rankings of its own rewards (β · mean
 * log-probability) matches the teacher's. One unit = (student, teacher, prompt slice, settings): sampling, teacher
 * scoring, the PAD run, optionally a plain-KD student on the same responses, and the evaluation of every role.
 */
public final class PadDistillJob implements RunJob, NeedsDataset, SupportsHeadlines {

    static final String SAMPLES = "pad_samples";
    static final String TEACHER_SCORES = "pad_teacher_scores";
    static final String MCQ_PAIRS = "pad_mcq_pairs";
    static final String TRAIN_STEP = "pad_train_step";
    static final String EVAL = "pad_eval";

    static final String SAMPLES_PER_PROMPT = "samples";
    static final String RESPONSES = "responses";
    static final String TEMPERATURE = "temperature";
    static final String TOP_P = "top-p";
    static final String SAMPLE_TOKENS = "sample-tokens";
    static final String BETA = "beta";
    static final String ALPHA = "alpha";
    static final String LOSS = "loss";
    static final String MCQ_FILTER = "mcq-filter";
    static final String MCQ_TEMPLATE = "mcq-template";
    static final String MCQ_CANDIDATE_TOKENS = "mcq-candidate-tokens";
    static final String KD_BASELINE = "kd-baseline";
    static final String KD_TAU = "kd-tau";
    static final String KD_LAMBDA = "kd-lambda";

    static final String ROLE_TEACHER = "teacher";
    static final String ROLE_BEFORE = "student_before";
    static final String ROLE_PAD = "student_pad";
    static final String ROLE_KD = "student_kd";

    private static final TableSchema SAMPLES_TABLE = TableSchema.of(SAMPLES,
            "every response the student sampled (example_id = the prompt's id) and whether diversity selection kept it",
            Column.required("sample_seed", ColumnType.INT, "the sample's seed index 0..samples−1"),
            Column.required("temperature", ColumnType.DOUBLE, "sampling temperature"),
            Column.required("top_p", ColumnType.DOUBLE, "nucleus mass"),
            Column.optional("response_idx", ColumnType.INT, "its index among the selected responses (the order chosen); null when not selected"),
            Column.required("text", ColumnType.STRING, "the response decoded, without the end-of-text token"),
            Column.required("n_tokens", ColumnType.INT, "generated tokens, the end-of-text token included when it ended the sample"),
            Column.required("selected", ColumnType.BOOLEAN, "kept by the greedy max–min Levenshtein selection"),
            Column.optional("min_edit_distance_to_selected", ColumnType.INT, "Levenshtein distance to the closest response selected before it (for an unselected one: to the final selection); null for sample 0"),
            Column.required("prompt_kept", ColumnType.BOOLEAN, "whether the prompt's selected responses were pairwise distinct (else the prompt is dropped)"));

    private static final TableSchema TEACHER_SCORES_TABLE = TableSchema.of(TEACHER_SCORES,
            "the teacher's scores of every selected response of every kept prompt (example_id = the prompt's id)",
            Column.required("response_idx", ColumnType.INT, "index among the selected responses"),
            Column.required("teacher_model", ColumnType.STRING, "the teacher's name in the sweep"),
            Column.required("sum_logp", ColumnType.DOUBLE, "Σ log π_T of the response tokens (end-of-text included), nats"),
            Column.required("avg_logp", ColumnType.DOUBLE, "ℓ_T: the mean of the same"),
            Column.required("mcq_score", ColumnType.DOUBLE, "m_i = log of the response's mean pairwise win probability"),
            Column.required("mcq_win_prob", ColumnType.DOUBLE, "exp(mcq_score)"),
            Column.required("teacher_score", ColumnType.DOUBLE, "α ℓ_T + (1 − α) m_i (the teacher reward before β)"),
            Column.required("kept_by_filter", ColumnType.BOOLEAN, "the prompt passed the MCQ filter (or the filter is off): it is trained on"));

    private static final TableSchema MCQ_PAIRS_TABLE = TableSchema.of(MCQ_PAIRS,
            "the teacher's pairwise judgement of every pair of selected responses (example_id = the prompt's id)",
            Column.required("i", ColumnType.INT, "response shown as A)"),
            Column.required("j", ColumnType.INT, "response shown as B) (i < j; no position swap)"),
            Column.required("p_a", ColumnType.DOUBLE, "1e-8 + probability mass of the top-20 answer tokens naming A"),
            Column.required("p_b", ColumnType.DOUBLE, "the same for B"),
            Column.required("p_other", ColumnType.DOUBLE, "1 − p_a − p_b, clipped at 0"));

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
        return List.of(SAMPLES_TABLE, TEACHER_SCORES_TABLE, MCQ_PAIRS_TABLE, TRAIN_STEP_TABLE, EVAL_TABLE);
    }

    @Override
    public List<ParamSpec> params() {
        List<ParamSpec> specs = new ArrayList<>(DistillParams.specs(40, 1e-4));
        specs.addAll(List.of(
                ParamSpec.of(SAMPLES_PER_PROMPT, ParamType.INT, 5, "responses the student samples per prompt (seeds 0..samples−1)"),
                ParamSpec.of(RESPONSES, ParamType.INT, 4, "responses kept per prompt by diversity selection (n; 2..7)"),
                ParamSpec.of(TEMPERATURE, ParamType.DOUBLE, 1.0, "sampling temperature (the released scripts' 1.0; a review reports 0.8)"),
                ParamSpec.of(TOP_P, ParamType.DOUBLE, 0.95, "sampling nucleus mass"),
                ParamSpec.of(SAMPLE_TOKENS, ParamType.INT, 64, "new tokens per sampled response at most (stops at end-of-text)"),
                ParamSpec.of(BETA, ParamType.DOUBLE, 10.0, "β: rewards are β x scores, student and teacher alike"),
                ParamSpec.of(ALPHA, ParamType.DOUBLE, 0.0, "α: teacher score = α ℓ_T + (1 − α) MCQ score (the released run: 0)"),
                ParamSpec.of(LOSS, ParamType.STRING, "js", "js (the reference's pd: JS of the ranking distributions) or vanilla (rd: −log P(teacher ranking))"),
                ParamSpec.of(MCQ_FILTER, ParamType.BOOLEAN, true, "train only on prompts with some mean win probability > 0.5 and some ≤ 0.5"),
                ParamSpec.of(MCQ_TEMPLATE, ParamType.STRING, McqJudge.DEFAULT_TEMPLATE, "the judging prompt, with slots {query}, {a}, {b}"),
                ParamSpec.of(MCQ_CANDIDATE_TOKENS, ParamType.INT, 2500, "each candidate is cut to this many tokens in the judging prompt"),
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
        int responses = p.getInt(RESPONSES);
        DistillParams.require(job, responses < 2 || responses > 7, RESPONSES, "must be in 2..7 (n! rankings)");
        DistillParams.require(job, p.getInt(SAMPLES_PER_PROMPT) < responses, SAMPLES_PER_PROMPT, "must be ≥ responses");
        DistillParams.require(job, !(p.getDouble(TEMPERATURE) > 0), TEMPERATURE, "must be > 0");
        DistillParams.require(job, !(p.getDouble(TOP_P) > 0 && p.getDouble(TOP_P) <= 1), TOP_P, "must be in (0, 1]");
        DistillParams.require(job, p.getInt(SAMPLE_TOKENS) < 1, SAMPLE_TOKENS, "must be ≥ 1");
        DistillParams.require(job, !(p.getDouble(BETA) > 0), BETA, "must be > 0");
        DistillParams.require(job, !(p.getDouble(ALPHA) >= 0 && p.getDouble(ALPHA) <= 1), ALPHA, "must be in [0, 1]");
        DistillParams.require(job, !List.of("js", "vanilla").contains(p.getString(LOSS)), LOSS, "must be js or vanilla");
        DistillParams.require(job, p.getInt(MCQ_CANDIDATE_TOKENS) < 1, MCQ_CANDIDATE_TOKENS, "must be ≥ 1");
        for (String slot : List.of("{query}", "{a}", "{b}")) {
            DistillParams.require(job, !p.getString(MCQ_TEMPLATE).contains(slot), MCQ_TEMPLATE, "lacks the slot " + slot);
        }
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

    /** Per student and metric: before → PAD vs plain KD (and the teacher); then the prompts trained on. */
    @Override
    public List<String> headlines(TableReader tables) {
        List<String> lines = new ArrayList<>();
        if (DistillParams.isEmpty(tables.table(EVAL)) || DistillParams.isEmpty(tables.table(TEACHER_SCORES))) {
            return lines;
        }
        List<Row> eval = tables.table(EVAL).select("unit_id", "model_id", "model", "metric", "value")
                .orderBy("unit_id", "metric", "model").collectAsList();
        Map<String, Map<String, Double>> byUnitMetric = new LinkedHashMap<>();
        Map<String, String> student = new HashMap<>();
        for (Row r : eval) {
            String key = r.getString(0) + "\u0000" + r.getString(3);
            byUnitMetric.computeIfAbsent(key, k -> new HashMap<>()).put(r.getString(2), r.getDouble(4));
            student.put(key, r.getString(1));
        }
        byUnitMetric.forEach((key, values) -> lines.add(String.format(Locale.ROOT,
                "%s %s: before %s → PAD %s, plain KD %s (teacher %s)", student.get(key), key.substring(key.indexOf('\u0000') + 1),
                format(values.get(ROLE_BEFORE)), format(values.get(ROLE_PAD)), format(values.get(ROLE_KD)),
                format(values.get(ROLE_TEACHER)))));
        long kept = tables.table(TEACHER_SCORES).filter(col("kept_by_filter")).select("unit_id", "example_id").distinct().count();
        lines.add("prompts trained on (kept by the filters): " + kept);
        return lines;
    }

    private static String format(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
