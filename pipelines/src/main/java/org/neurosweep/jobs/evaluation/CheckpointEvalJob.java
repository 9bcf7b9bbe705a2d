package org.neurosweep.jobs.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.SupportsCheckpointSeries;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.report.Aggregation;
import org.neurosweep.report.Chart;
import org.neurosweep.report.SupportsReport;
import org.neurosweep.job.SupportsSummary;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.report.ReportQueries;

import static org.apache.spark.sql.functions.col;
import static org.neurosweep.report.Aggregation.groupBy;

/**
 * {@code checkpoint-eval}: capability dynamics across pretraining checkpoints (docs/methods/capability-dynamics.md,
 * "The Fine Line"). A unit evaluates one checkpoint on one benchmark dataset, whose format says how: {@code text}
 * (perplexity of held-out lines), {@code mlama} (factual probe), {@code instructions} (greedy exact match) or
 * {@code multiple-choice} (log-likelihood accuracy); the dataset option {@code group} names its capability group. Once
 * every unit is committed, the driver summarises the curves: trajectory features with phase boundaries, lead/lag
 * between capability groups, and the agreement of each metric across series (model sizes).
 */
public final class CheckpointEvalJob implements MapJob, NeedsDataset, SupportsCheckpointSeries, SupportsHeadlines, SupportsReport,
        SupportsSummary {

    static final String ITEMS = "eval_item_results";
    static final String SCORES = "eval_task_scores";
    static final String FEATURES = "trajectory_features";
    static final String LEAD_LAG = "capability_leadlag";
    static final String ALIGNMENT = "series_alignment";
    static final String PREDICTION = "within_group_prediction";
    static final String SCALING = "scaling_fit";
    static final String RECOMMENDATION = "phase_metric_recommendation";

    static final String PROBE_MODE = "probe-mode";
    static final String MAX_NEW_TOKENS = "max-new-tokens";
    static final String INSTRUCTION_SPLIT = "instruction-split";
    static final String TOKENS_PER_STEP = "tokens-per-step";
    static final String FIT_FRACTION = "prediction-fit-fraction";

    static final double DEFAULT_FIT_FRACTION = 0.5;
    private static final Pattern FIT_FRACTION_PARAM = Pattern.compile("(?:^|, )" + FIT_FRACTION + "=([-+0-9.eE]+)");

    private static final Column GROUP = Column.required("capability_group", ColumnType.STRING,
            "the benchmark's capability group (dataset option 'group'; defaults: text lm_loss, mlama world_knowledge, "
                    + "instructions instruction_following, multiple-choice examination)");
    private static final Column KIND = Column.required("benchmark_kind", ColumnType.STRING,
            "perplexity | probe | instruction | multiple_choice: how the benchmark is scored");

    /** The columns that name a curve of eval_task_scores in the driver summaries. */
    private static final Column BENCHMARK = Column.required("benchmark", ColumnType.STRING, "the dataset");
    private static final Column SCORED_SUBTASK = Column.required("subtask", ColumnType.STRING, "as in eval_task_scores");
    private static final Column SCORED_METRIC = Column.required("metric", ColumnType.STRING, "as in eval_task_scores");

    static final TableSchema ITEM_TABLE = TableSchema.of(ITEMS,
            "one row per evaluated item (text line, fact, instruction, question) and checkpoint; example_id = line number "
                    + "or fact uuid or instruction id",
            GROUP, KIND,
            Column.required("subtask", ColumnType.STRING, "probe: LANG.PID.seen|unseen; instruction: its category; else all"),
            Column.optional("tokens", ColumnType.INT, "perplexity: tokens scored; probe: tokens of the gold object"),
            Column.optional("nll", ColumnType.DOUBLE, "perplexity: summed NLL of the line; probe: of the gold object (nats)"),
            Column.optional("choice_logprobs", ColumnType.DOUBLE_ARRAY, "multiple choice: log p of each choice's continuation"),
            Column.optional("choice_lengths_bytes", ColumnType.INT_ARRAY, "multiple choice: UTF-8 bytes of each continuation"),
            Column.optional("gen_text", ColumnType.STRING, "instruction: the decoded, stripped answer"),
            Column.optional("pred", ColumnType.STRING, "instruction: the answer; multiple choice: the chosen choice"),
            Column.optional("gold", ColumnType.STRING, "reference output, gold object or correct choice"),
            Column.optional("correct", ColumnType.BOOLEAN, "the item was answered (acc); null for perplexity"),
            Column.optional("correct_norm", ColumnType.BOOLEAN, "multiple choice: correct by length-normalised score (acc_norm)"));

    static final TableSchema SCORE_TABLE = TableSchema.of(SCORES,
            "one row per checkpoint, benchmark (the dataset column), subtask and metric: the metric-vs-step curves",
            GROUP, KIND,
            Column.required("subtask", ColumnType.STRING, "all, or a part: a category, a language, LANG.PID.seen|unseen"),
            Column.required("metric", ColumnType.STRING, "accuracy | acc_norm | perplexity | mean_nll"),
            Column.required("value", ColumnType.DOUBLE, "the metric"),
            Column.optional("stderr", ColumnType.DOUBLE, "accuracies: sqrt(v(1 - v) / n)"),
            Column.required("n_items", ColumnType.LONG, "items (lines, facts, instructions, questions) behind the value"),
            Column.optional("random_baseline", ColumnType.DOUBLE, "chance level: mean 1/choices (multiple choice, rank probe), 0 for exact match"),
            Column.optional("normalized_value", ColumnType.DOUBLE, "(value - baseline) / (1 - baseline) clipped to [-1, 1]; null for perplexity"),
            Column.required("higher_is_better", ColumnType.BOOLEAN, "orientation of the metric"),
            Column.optional("tokens_seen", ColumnType.LONG, "step x tokens-per-step when that parameter is set"),
            Column.required("n_params", ColumnType.LONG, "N of C = 6ND: non-embedding parameters a token passes through "
                    + "(top-k routed experts), counted from config.json"));

    private static final Column SERIES = Column.required("series", ColumnType.STRING,
            "the checkpoint series (model_id of the evaluated rows)");
    private static final Column PROGRESS_UNIT = Column.required("progress_unit", ColumnType.STRING,
            "tokens (tokens-per-step set) or steps");

    static final TableSchema FEATURE_TABLE = TableSchema.of(FEATURES,
            "driver summary, one row per series, benchmark, subtask and metric: the shape of its curve (step A4); "
                    + "y = normalized_value, or -value for metrics where lower is better",
            SERIES,
            BENCHMARK, GROUP, SCORED_SUBTASK, SCORED_METRIC,
            PROGRESS_UNIT,
            Column.required("n_checkpoints", ColumnType.INT, "points on the curve"),
            Column.required("first_progress", ColumnType.DOUBLE, "progress of the first checkpoint"),
            Column.required("last_progress", ColumnType.DOUBLE, "progress of the last checkpoint (the run end for phases)"),
            Column.required("final_value", ColumnType.DOUBLE, "y at the last checkpoint"),
            Column.required("gain", ColumnType.DOUBLE, "final - y(first)"),
            Column.optional("t50", ColumnType.DOUBLE, "first progress where the smoothed curve covers 50% of the gain (phase boundary)"),
            Column.optional("t90", ColumnType.DOUBLE, "the same for 90%"),
            Column.optional("early_slope", ColumnType.DOUBLE, "OLS slope of y on log10(progress), first third"),
            Column.optional("late_slope", ColumnType.DOUBLE, "the same, last third"),
            Column.optional("monotonicity", ColumnType.DOUBLE, "Spearman of y with progress"),
            Column.optional("noise", ColumnType.DOUBLE, "std of first differences of y minus its moving median"),
            Column.optional("saturated_at", ColumnType.DOUBLE, "first progress after which |slope| < 0.01 per decade"),
            Column.required("phase_label", ColumnType.STRING, "early (t90 <= 25% of run) | mid | late (t50 >= 50%) | flat (no gain)"));

    static final TableSchema LEAD_LAG_TABLE = TableSchema.of(LEAD_LAG,
            "driver summary, one row per series and pair of capability groups (step A6); a group's curve is the mean y of "
                    + "its benchmarks' primary metric (accuracy, mean_nll) on subtask all",
            SERIES,
            Column.required("group_a", ColumnType.STRING, "first group (name order)"),
            Column.required("group_b", ColumnType.STRING, "second group"),
            Column.required("n_checkpoints", ColumnType.INT, "checkpoints shared by both curves"),
            Column.optional("corr_lag0", ColumnType.DOUBLE, "Pearson correlation at lag 0"),
            Column.optional("best_lag", ColumnType.INT, "lag k in -2..2 checkpoints maximising corr(G_a[t], G_b[t+k]); > 0: group_a moves first"),
            Column.optional("corr_best_lag", ColumnType.DOUBLE, "that correlation"));

    static final TableSchema ALIGNMENT_TABLE = TableSchema.of(ALIGNMENT,
            "driver summary, one row per benchmark, subtask, metric, pair of series and alignment (step A7): how alike "
                    + "the min-max normalised curves of two runs are",
            BENCHMARK, SCORED_SUBTASK, SCORED_METRIC,
            Column.required("series_a", ColumnType.STRING, "first series"),
            Column.required("series_b", ColumnType.STRING, "second series"),
            Column.required("alignment", ColumnType.STRING, "fraction (progress / the series' last checkpoint) | tokens (raw progress)"),
            Column.required("progress_from", ColumnType.DOUBLE, "start of the shared interval compared"),
            Column.required("progress_to", ColumnType.DOUBLE, "its end"),
            Column.required("shape_distance", ColumnType.DOUBLE, "mean |a - b| over 50 resampled points (0 = same shape)"),
            Column.optional("spearman_diff", ColumnType.DOUBLE, "Spearman of the resampled curves' first differences"));

    static final TableSchema PREDICTION_TABLE = TableSchema.of(PREDICTION,
            "driver summary, one row per series, capability group and ordered pair of its benchmarks (step A5): the "
                    + "known benchmark's curve predicts the unseen one's through y_B = alpha + beta * y_A, fitted on the "
                    + "first prediction-fit-fraction of the checkpoints both share; y as in trajectory_features, primary "
                    + "metric (accuracy, mean_nll) on subtask all",
            SERIES, Column.required("group", ColumnType.STRING, "the capability group"),
            Column.required("bench_known", ColumnType.STRING, "benchmark A (dataset), the predictor"),
            Column.required("bench_unseen", ColumnType.STRING, "benchmark B, predicted"),
            PROGRESS_UNIT,
            Column.optional("fit_cutoff", ColumnType.DOUBLE, "progress of the last checkpoint fitted on (fit: progress <= this)"),
            Column.optional("alpha", ColumnType.DOUBLE, "intercept; null with fewer than 2 fit points or a constant y_A"),
            Column.optional("beta", ColumnType.DOUBLE, "slope; null likewise"),
            Column.optional("mae", ColumnType.DOUBLE, "mean |y_B - prediction| over the held-out checkpoints; null without any"),
            Column.optional("r2_heldout", ColumnType.DOUBLE, "1 - SS_res / SS_tot over the held-out checkpoints; null with "
                    + "fewer than 2 or a constant y_B there"),
            Column.optional("pearson", ColumnType.DOUBLE, "Pearson of y_A and y_B over the whole trajectory"),
            Column.optional("spearman", ColumnType.DOUBLE, "Spearman of y_A and y_B over the whole trajectory"),
            Column.required("n_points", ColumnType.INT, "checkpoints shared by both curves"));

    static final TableSchema SCALING_TABLE = TableSchema.of(SCALING,
            "driver summary, one row per series and target (step A8): y = E + A * C^-alpha fitted over training compute "
                    + "C = 6 * n_params * tokens_seen; no rows when tokens_seen is unknown (tokens-per-step 0)",
            SERIES,
            Column.required("target", ColumnType.STRING, "loss (mean mean_nll of the series' perplexity benchmarks) or a "
                    + "capability group (1 - the mean normalized_value of its benchmarks' accuracy on subtask all)"),
            Column.required("form", ColumnType.STRING, "E+A*C^-alpha"),
            Column.optional("e", ColumnType.DOUBLE, "asymptote; null when the fit is undefined (< 4 points, constant curve)"),
            Column.optional("a", ColumnType.DOUBLE, "amplitude (y units at C = 1 FLOP); < 0 for a rising curve"),
            Column.optional("alpha", ColumnType.DOUBLE, "exponent, searched in [0.001, 3]"),
            Column.optional("r2", ColumnType.DOUBLE, "1 - SS_res / SS_tot of the fit"),
            Column.required("n_points", ColumnType.INT, "checkpoints fitted"));

    static final TableSchema RECOMMENDATION_TABLE = TableSchema.of(RECOMMENDATION,
            "driver summary, one row per series and phase (step A9): the metrics worth monitoring in that third of the run "
                    + "and the alarms raised there",
            SERIES,
            Column.required("phase", ColumnType.STRING, "early | mid | late: progress in (0, end/3], (end/3, 2 end/3], (2 end/3, end]"),
            PROGRESS_UNIT,
            Column.required("progress_from", ColumnType.DOUBLE, "start of the phase (exclusive)"),
            Column.required("progress_to", ColumnType.DOUBLE, "end of the phase (inclusive)"),
            Column.required("metric_ids", ColumnType.STRING_ARRAY, "benchmark/subtask/metric of the curves kept (not "
                    + "saturated, not within 2 stderr of chance), highest snr first"),
            Column.required("snr", ColumnType.DOUBLE_ARRAY, "their |slope| / noise in the phase, aligned with metric_ids"),
            Column.required("alarm_flags", ColumnType.STRING_ARRAY, "unstable_optimization: the loss fell while >= 2 "
                    + "capability groups dropped by > 2 stderr between consecutive checkpoints in the phase"));

    @Override
    public String name() {
        return "checkpoint-eval";
    }

    @Override
    public int version() {
        return 2;
    }

    @Override
    public String description() {
        return "capability dynamics over checkpoints: perplexity, probe, instruction exact match, multiple choice; trajectory summary";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(ITEM_TABLE, SCORE_TABLE, FEATURE_TABLE, LEAD_LAG_TABLE, ALIGNMENT_TABLE, PREDICTION_TABLE,
                SCALING_TABLE, RECOMMENDATION_TABLE);
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(
                ParamSpec.oneOf(PROBE_MODE, ParamType.STRING, "exact-match", List.of("exact-match", "rank"),
                        "mlama benchmarks: exact-match (as the world models' reference figures) or rank (P@1 among the "
                                + "relation's objects)"),
                ParamSpec.of(MAX_NEW_TOKENS, ParamType.INT, 8, "instructions: greedy tokens at most (stops at end-of-text)"),
                ParamSpec.of(INSTRUCTION_SPLIT, ParamType.STRING, "test",
                        "instructions: evaluate records of this split only; empty = every record"),
                ParamSpec.of(TOKENS_PER_STEP, ParamType.LONG, 0L,
                        "tokens per training step (batch x sequence), for tokens_seen; 0 = progress in steps"),
                ParamSpec.of(FIT_FRACTION, ParamType.DOUBLE, DEFAULT_FIT_FRACTION,
                        "summary, within_group_prediction: fit on the first fraction (0, 1] of the checkpoints, predict the rest"));
    }

    @Override
    public Set<String> formats() {
        return Set.of(BenchmarkKind.TEXT, BenchmarkKind.MLAMA, BenchmarkKind.INSTRUCTIONS, BenchmarkKind.MULTIPLE_CHOICE);
    }

    @Override
    public KernelFactory kernels() {
        return new CheckpointEvalKernel.Factory();
    }

    @Override
    public void summarize(TableReader tables, RowSink out) {
        CheckpointDynamicsSummary.write(tables.table(SCORES), fitFraction(tables), out);
    }

    /**
     * The {@value #FIT_FRACTION} the run's units were planned with, read from their manifest rows (the summary unit
     * carries no parameters of its own); the default when the manifest does not say.
     */
    static double fitFraction(TableReader tables) {
        Dataset<Row> manifest = tables.table("manifest");
        if (manifest.isEmpty()) {
            return DEFAULT_FIT_FRACTION;
        }
        Set<Double> values = new TreeSet<>();
        for (Row r : manifest.where(col("job").equalTo("checkpoint-eval").and(col("status").equalTo("committed")))
                .select("params").distinct().collectAsList()) {
            Matcher m = FIT_FRACTION_PARAM.matcher(r.isNullAt(0) ? "" : r.getString(0));
            if (m.find()) {
                values.add(Double.parseDouble(m.group(1)));
            }
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException(FIT_FRACTION + " must be one value for the whole run, got " + values);
        }
        return values.isEmpty() ? DEFAULT_FIT_FRACTION : values.iterator().next();
    }

    /** Per series and benchmark: the main metric at every checkpoint, in step order. */
    @Override
    public List<String> headlines(TableReader tables) {
        // one row per checkpoint (a unit's rows): (model_id, dataset, metric, step, unit_id, value)
        List<Row> rows = ReportQueries.rows(tables, SCORES, groupBy(Aggregation.col("model_id"),
                Aggregation.col("dataset"), Aggregation.col("metric"), Aggregation.col("step"), Aggregation.col("unit_id"))
                .where(r -> "all".equals(r.get("subtask"))
                        && ("accuracy".equals(r.get("metric")) || "perplexity".equals(r.get("metric"))))
                .first("value"));
        List<String> out = new ArrayList<>();
        StringBuilder line = null;
        String key = null;
        for (Row r : rows) {
            String k = r.getString(0) + " " + r.getString(1) + " " + r.getString(2);
            if (!k.equals(key)) {
                if (line != null) {
                    out.add(line.toString());
                }
                key = k;
                line = new StringBuilder(k + " by step:");
            }
            line.append(String.format(Locale.ROOT, " %s=%.4f", r.isNullAt(3) ? "-" : Long.toString(r.getLong(3)), r.getDouble(5)));
        }
        if (line != null) {
            out.add(line.toString());
        }
        return out;
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return EvaluationFigures.capabilityCurves(tables);
    }
}
