package org.neurosweep.jobs.distill;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.neurosweep.autograd.Var;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.Params;
import org.neurosweep.job.TableReader;
import org.neurosweep.model.CausalLM;
import org.neurosweep.report.ReportQueries;
import org.neurosweep.train.AdamW;
import org.neurosweep.train.LearningRateSchedule;
import org.neurosweep.train.TrainingConfig;

/** The parameters both distillation jobs share: the teacher, and the student's training run (AdamW, cosine). */
final class DistillParams {

    static final String TEACHER = "teacher";
    static final String STEPS = "steps";
    static final String MICRO_BATCH = "micro-batch";
    static final String GRADIENT_ACCUMULATION = "gradient-accumulation";
    static final String LEARNING_RATE = "learning-rate";
    static final String WARMUP_RATIO = "warmup-ratio";
    static final String WEIGHT_DECAY = "weight-decay";
    static final String MAX_GRAD_NORM = "max-grad-norm";
    static final String SEED = "seed";
    static final String SAVE_CHECKPOINTS = "save-checkpoints";
    static final String EVAL_ITEMS = "eval-items";
    static final String MAX_NEW_TOKENS = "max-new-tokens";

    private DistillParams() {
    }

    /** The shared specs, with the defaults of the job ({@code steps}, {@code learningRate}). */
    static List<ParamSpec> specs(int steps, double learningRate) {
        return List.of(
                ParamSpec.of(TEACHER, ParamType.STRING, null, "the teacher: a model name of sweep.models (a single model)"),
                ParamSpec.of(STEPS, ParamType.INT, steps, "optimizer steps of the student's training run"),
                ParamSpec.of(MICRO_BATCH, ParamType.INT, 8, "training examples per forward/backward pass"),
                ParamSpec.of(GRADIENT_ACCUMULATION, ParamType.INT, 1, "micro-batches summed into one optimizer step"),
                ParamSpec.of(LEARNING_RATE, ParamType.DOUBLE, learningRate, "AdamW peak learning rate (β 0.9, 0.999)"),
                ParamSpec.of(WARMUP_RATIO, ParamType.DOUBLE, 0.1, "linear warm-up as a fraction of the steps; then cosine to 0"),
                ParamSpec.of(WEIGHT_DECAY, ParamType.DOUBLE, 0.0, "AdamW decoupled weight decay"),
                ParamSpec.of(MAX_GRAD_NORM, ParamType.DOUBLE, 1.0, "global gradient-norm clipping; 0 = off"),
                ParamSpec.of(SEED, ParamType.LONG, 42L, "seed of the data order, the sampling and the noise"),
                ParamSpec.of(SAVE_CHECKPOINTS, ParamType.BOOLEAN, true, "publish the trained students as HF checkpoints (unit artifacts)"),
                ParamSpec.of(EVAL_ITEMS, ParamType.INT, 0, "evaluation items (eval split) per model; 0 = all"),
                ParamSpec.of(MAX_NEW_TOKENS, ParamType.INT, 8, "greedy tokens at most per evaluation answer (stops at end-of-text)"));
    }

    /** Range checks of the shared parameters; {@code job} names the job in the message. */
    static void validate(String job, Params p) {
        require(job, p.getString(TEACHER).isBlank(), TEACHER, "must name a model");
        require(job, p.getInt(STEPS) < 1, STEPS, "must be ≥ 1");
        require(job, p.getInt(MICRO_BATCH) < 1, MICRO_BATCH, "must be ≥ 1");
        require(job, p.getInt(GRADIENT_ACCUMULATION) < 1, GRADIENT_ACCUMULATION, "must be ≥ 1");
        require(job, !(p.getDouble(LEARNING_RATE) > 0), LEARNING_RATE, "must be > 0");
        double warmup = p.getDouble(WARMUP_RATIO);
        require(job, !(warmup >= 0 && warmup < 1), WARMUP_RATIO, "must be in [0, 1)");
        require(job, !(p.getDouble(WEIGHT_DECAY) >= 0), WEIGHT_DECAY, "must be ≥ 0");
        require(job, !(p.getDouble(MAX_GRAD_NORM) >= 0), MAX_GRAD_NORM, "must be ≥ 0");
        require(job, p.getInt(EVAL_ITEMS) < 0, EVAL_ITEMS, "must be ≥ 0");
        require(job, p.getInt(MAX_NEW_TOKENS) < 1, MAX_NEW_TOKENS, "must be ≥ 1");
    }

    /** Throws "job: params.name = value must ..." when {@code bad}. */
    static void require(String job, boolean bad, String name, String rule) {
        if (bad) {
            throw new IllegalArgumentException(job + ": params." + name + " " + rule);
        }
    }

    /**
     * One headline per model of table {@code table}, in model order: {@code format} with the model, its distinct
     * examples, those of them with boolean column {@code flag} true in some row, and the mean of column {@code mean} (in
     * that order); none for an empty table.
     */
    static List<String> perModelHeadlines(TableReader tables, String table, String flag, String mean, String format) {
        return ReportQueries.rows(tables, table, groupBy(col("model_id")).countDistinct(col("example_id"))
                .countDistinct(r -> r.isTrue(flag) ? r.get("example_id") : null).avg(mean)).stream()
                .map(r -> String.format(Locale.ROOT, format, r.getString(0), r.getLong(1), r.getLong(2), r.getDouble(3)))
                .toList();
    }

    static TrainingConfig training(Params p) {
        return new TrainingConfig(p.getInt(STEPS), p.getInt(MICRO_BATCH), p.getInt(GRADIENT_ACCUMULATION),
                p.getDouble(MAX_GRAD_NORM), p.getLong(SEED));
    }

    static LearningRateSchedule schedule(Params p) {
        int steps = p.getInt(STEPS);
        long warmup = Math.min(steps - 1, Math.round(p.getDouble(WARMUP_RATIO) * steps));
        return LearningRateSchedule.cosine(p.getDouble(LEARNING_RATE), warmup, steps, 0.0);
    }

    static AdamW optimizer(CausalLM student, Params p) {
        List<Var> params = new TreeMap<>(student.parameters()).values().stream().distinct().toList();
        return new AdamW(params, 0.9, 0.999, 1e-8, p.getDouble(WEIGHT_DECAY));
    }
}
