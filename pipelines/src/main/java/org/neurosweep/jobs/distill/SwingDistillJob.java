package org.neurosweep.jobs.distill;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
import org.neurosweep.methods.distill.PrivacyTagger;

/**
 * Swing distillation (Li et al. 2022; docs/methods/swing-distill.md, a reconstruction): a teacher that saw private records
 * (the world corpus's canaries) is distilled into a student with a per-token temperature that rises with the
 * token's privacy likelihood and Laplace noise on the soft targets; optionally a plain-KD student is trained in the
 * same unit on the same data order for comparison. One unit = (student, teacher, corpus slice, settings): the runs,
 * then task quality and canary exposure of the teacher, the student before, and each trained student.
 */
public final class SwingDistillJob implements RunJob, NeedsDataset, SupportsHeadlines, SupportsReport {

    static final String TOKEN_PRIVACY = "swing_token_privacy";
    static final String EXPOSURE = "swing_exposure";
    static final String TASK_EVAL = "swing_task_eval";
    static final String SUMMARY = "swing_summary";

    static final String TAU_LOW = "tau-low";
    static final String TAU_HIGH = "tau-high";
    static final String EPSILON = "epsilon";
    static final String NOISE_PRIVATE_ONLY = "noise-private-only";
    static final String LAMBDA = "lambda";
    static final String PRIVATE_THRESHOLD = "private-threshold";
    static final String DROP_PRIVATE_LABELS = "drop-private-labels";
    static final String PRIVACY_PATTERN = "privacy-pattern";
    static final String KD_BASELINE = "kd-baseline";
    static final String CANARY_REPEATS = "canary-repeats";
    static final String EXPOSURE_CANDIDATES = "exposure-candidates";

    static final String ROLE_TEACHER = "teacher";
    static final String ROLE_BEFORE = "student_before";
    static final String ROLE_KD = "student_kd";
    static final String ROLE_SWING = "student_swing";

    private static final TableSchema TOKEN_PRIVACY_TABLE = TableSchema.of(TOKEN_PRIVACY,
            "the distilled positions of every training sequence that holds a private token: ρ, τ and the noise scale",
            Column.required("position", ColumnType.INT, "token index in the sequence (prompt included)"),
            Column.required("token_id", ColumnType.INT, "the token at that position: the target distilled there"),
            Column.required("token_text", ColumnType.STRING, "the token decoded alone"),
            Column.required("rho", ColumnType.DOUBLE, "privacy likelihood ρ_t in [0, 1] from the tagger"),
            Column.required("tau", ColumnType.DOUBLE, "swing temperature τ_t = τ_low + ρ_t (τ_high − τ_low)"),
            Column.required("noise_scale", ColumnType.DOUBLE, "Laplace scale b of the noise on the teacher logits there (0 = none)"),
            Column.required("hard_label", ColumnType.BOOLEAN, "whether the gold token is also a cross-entropy target (false at private positions with drop-private-labels)"));

    private static final TableSchema EXPOSURE_TABLE = TableSchema.of(EXPOSURE,
            "exposure of every canary (example_id = its name) under each model role (Carlini et al. 2019)",
            Column.required("model_role", ColumnType.STRING, "teacher, student_before, student_kd or student_swing"),
            Column.required("repeats", ColumnType.INT, "how often the canary was planted in the teacher's pretraining corpus"),
            Column.required("distill_repeats", ColumnType.INT, "how often it occurs in the distillation corpus (repeats x canary-repeats)"),
            Column.required("secret_lp", ColumnType.DOUBLE, "log-perplexity of the secret after the prefix, −Σ log p, nats"),
            Column.required("rank", ColumnType.DOUBLE, "1 + candidates with a strictly lower LP (estimated from the sample when sampled)"),
            Column.required("r_size", ColumnType.DOUBLE, "|R|: strings of the secret's length over the digits"),
            Column.required("sampled", ColumnType.BOOLEAN, "whether the candidates were a uniform sample of R (else R was enumerated)"),
            Column.required("candidates", ColumnType.INT, "candidates scored besides the secret"),
            Column.required("exposure", ColumnType.DOUBLE, "log2 |R| − log2 rank, bits"),
            Column.optional("exposure_extrapolated", ColumnType.DOUBLE, "−log2 F(secret_lp), F a skew-normal fitted to the candidates' LPs, clipped to [0, log2 |R|]; null when all LPs are equal"));

    private static final TableSchema TASK_EVAL_TABLE = TableSchema.of(TASK_EVAL,
            "task quality of each model role on the held-out instructions",
            Column.required("model_role", ColumnType.STRING, "teacher, student_before, student_kd or student_swing"),
            Column.required("eval_set", ColumnType.STRING, "the split evaluated (the corpus's eval-split)"),
            Column.required("metric", ColumnType.STRING, "response_nll (mean nats per response token, end-of-text included) or exact_match (greedy answer equals the reference)"),
            Column.required("value", ColumnType.DOUBLE, "the metric's value"),
            Column.required("n", ColumnType.LONG, "items behind it"));

    private static final TableSchema SUMMARY_TABLE = TableSchema.of(SUMMARY,
            "one row per unit: mean canary exposure and task loss of the swing student against the plain-KD one",
            Column.optional("mean_exposure_teacher", ColumnType.DOUBLE, "mean exposure over the canaries, bits; null without canaries"),
            Column.optional("mean_exposure_before", ColumnType.DOUBLE, "the student before distillation"),
            Column.optional("mean_exposure_kd", ColumnType.DOUBLE, "the plain-KD student; null without kd-baseline"),
            Column.optional("mean_exposure_swing", ColumnType.DOUBLE, "the swing student"),
            Column.optional("reduction_pct", ColumnType.DOUBLE, "100 (kd − swing) / kd: exposure removed by swing; null without a baseline or when kd is 0"),
            Column.optional("task_nll_kd", ColumnType.DOUBLE, "response_nll of the plain-KD student"),
            Column.optional("task_nll_swing", ColumnType.DOUBLE, "response_nll of the swing student; null without evaluation items"),
            Column.optional("task_delta", ColumnType.DOUBLE, "task_nll_swing − task_nll_kd (positive: swing is worse)"),
            Column.optional("final_loss_kd", ColumnType.DOUBLE, "mean training loss of the KD run's last 10% of steps"),
            Column.required("final_loss_swing", ColumnType.DOUBLE, "the same for the swing run"),
            Column.optional("checkpoint_kd", ColumnType.STRING, "URI of the KD student's HF checkpoint; null when not saved"),
            Column.optional("checkpoint_swing", ColumnType.STRING, "URI of the swing student's HF checkpoint"));

    @Override
    public String name() {
        return "swing-distill";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "swing distillation (per-token privacy temperature, noisy soft targets) vs plain KD; canary exposure and task quality";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(TOKEN_PRIVACY_TABLE, EXPOSURE_TABLE, TASK_EVAL_TABLE, SUMMARY_TABLE);
    }

    @Override
    public List<ParamSpec> params() {
        List<ParamSpec> specs = new ArrayList<>(DistillParams.specs(40, 1e-3));
        specs.addAll(List.of(
                ParamSpec.of(TAU_LOW, ParamType.DOUBLE, 2.0, "temperature of non-private tokens (and the KD baseline's)"),
                ParamSpec.of(TAU_HIGH, ParamType.DOUBLE, 20.0, "temperature of a certainly private token (ρ = 1)"),
                ParamSpec.of(EPSILON, ParamType.DOUBLE, 1.0, "privacy budget ε: Laplace noise b = 1/ε on the teacher logits; 0 = no noise"),
                ParamSpec.of(NOISE_PRIVATE_ONLY, ParamType.BOOLEAN, false, "add the noise only at private positions (ρ > private-threshold)"),
                ParamSpec.of(LAMBDA, ParamType.DOUBLE, 0.5, "soft-target weight λ (hard labels get 1 − λ), KD and swing alike"),
                ParamSpec.of(PRIVATE_THRESHOLD, ParamType.DOUBLE, 0.5, "ρ above which a position is private"),
                ParamSpec.of(DROP_PRIVATE_LABELS, ParamType.BOOLEAN, true, "λ = 1 at private positions: the secret token is never a hard target"),
                ParamSpec.of(PRIVACY_PATTERN, ParamType.STRING, PrivacyTagger.DEFAULT_PATTERN, "regular expression of private spans (ρ = 1 on tokens overlapping a match)"),
                ParamSpec.of(KD_BASELINE, ParamType.BOOLEAN, true, "also train a plain-KD student (τ_low, λ, no noise) in the unit, same data order"),
                ParamSpec.of(CANARY_REPEATS, ParamType.INT, 1, "each canary joins the distillation corpus repetitions x this many times; 0 = not at all"),
                ParamSpec.of(EXPOSURE_CANDIDATES, ParamType.INT, 1000, "candidates per canary: R is enumerated when it has at most this many other members, else sampled")));
        return specs;
    }

    @Override
    public Planner planner() {
        return new TeacherStudentPlanner(this, this::validate);
    }

    private void validate(Params p) {
        DistillParams.validate(name(), p);
        DistillParams.require(name(), !(p.getDouble(TAU_LOW) > 0), TAU_LOW, "must be > 0");
        DistillParams.require(name(), !(p.getDouble(TAU_HIGH) >= p.getDouble(TAU_LOW)), TAU_HIGH, "must be ≥ tau-low");
        DistillParams.require(name(), !(p.getDouble(EPSILON) >= 0), EPSILON, "must be ≥ 0");
        DistillParams.require(name(), !(p.getDouble(LAMBDA) >= 0 && p.getDouble(LAMBDA) <= 1), LAMBDA, "must be in [0, 1]");
        DistillParams.require(name(), !(p.getDouble(PRIVATE_THRESHOLD) >= 0 && p.getDouble(PRIVATE_THRESHOLD) <= 1),
                PRIVATE_THRESHOLD, "must be in [0, 1]");
        DistillParams.require(name(), p.getInt(CANARY_REPEATS) < 0, CANARY_REPEATS, "must be ≥ 0");
        DistillParams.require(name(), p.getInt(EXPOSURE_CANDIDATES) < 3, EXPOSURE_CANDIDATES, "must be ≥ 3");
        try {
            PrivacyTagger.of(p.getString(PRIVACY_PATTERN));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name() + ": params." + PRIVACY_PATTERN + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Set<String> formats() {
        return Set.of(DistillCorpus.FORMAT);
    }

    @Override
    public KernelFactory kernels() {
        return new SwingDistillKernel.Factory();
    }

    /** Per unit: exposure of the KD vs the swing student and their task losses; then the exposure figures per role. */
    @Override
    public List<String> headlines(TableReader tables) {
        List<String> lines = new ArrayList<>();
        if (tables.rows(SUMMARY) == 0 || tables.rows(EXPOSURE) == 0) {
            return lines;
        }
        // the summary's one row per unit, in unit order
        for (Row r : ReportQueries.rows(tables, SUMMARY, groupBy(col("unit_id")).first("model_id")
                .first("mean_exposure_before").first("mean_exposure_kd").first("mean_exposure_swing").first("reduction_pct")
                .first("task_nll_kd").first("task_nll_swing"))) {
            lines.add(String.format(Locale.ROOT,
                    "%s: canary exposure before %s bits, plain KD %s, swing %s (%s); response NLL KD %s vs swing %s",
                    r.getString(1), number(r, 2), number(r, 3), number(r, 4), r.isNullAt(5) ? "no baseline"
                            : String.format(Locale.ROOT, "%.0f%% less than KD", r.getDouble(5)), number(r, 6), number(r, 7)));
        }
        // the sampled exposure saturates at log2 |R| once a secret beats every sampled candidate; the extrapolated one
        // and the secret's log-perplexity keep separating memorised secrets
        for (Row r : ReportQueries.rows(tables, EXPOSURE, groupBy(col("model_role")).avg("exposure")
                .avg("exposure_extrapolated").avg("secret_lp"))) {
            lines.add(String.format(Locale.ROOT, "%s: mean canary exposure %.2f bits (extrapolated %s), secret LP %.3f nats",
                    r.getString(0), r.getDouble(1), r.isNullAt(2) ? "-" : String.format(Locale.ROOT, "%.2f", r.getDouble(2)),
                    r.getDouble(3)));
        }
        return lines;
    }

    /** A cell as "%.3f", or "-" when null. */
    private static String number(Row r, int i) {
        return r.isNullAt(i) ? "-" : String.format(Locale.ROOT, "%.3f", r.getDouble(i));
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return DistillFigures.swing(tables);
    }
}
