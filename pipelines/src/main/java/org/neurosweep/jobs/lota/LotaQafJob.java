package org.neurosweep.jobs.lota;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.NeedsGradients;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.RunJob;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ReportQueries;
import org.neurosweep.report.SupportsReport;

/**
 * LoTA-QAF (Chen et al. 2025): one unit is one adaptation run of a group-wise low-bit model (quantized from the
 * 16-bit model by round-to-nearest, or a GPTQ checkpoint as given) to an instruction dataset with ternary adapters
 * and t-SignSGD, merged losslessly back into the integer codes. The unit writes the quantized and the merged
 * checkpoints as artifacts, logs every step and the adapters' final state, audits the merge layer by layer, and
 * evaluates the 16-bit, quantized, LoTA-merged and (optionally) LoRA-on-quantized models on the held-out split
 * ({@code evaluate = inline}; with {@code none} the map job {@code lota-eval} evaluates the committed checkpoints).
 */
public final class LotaQafJob implements RunJob, NeedsDataset, NeedsGradients, SupportsHeadlines, SupportsReport {

    static final String TRAIN_STEP = "lota_train_step";
    static final String LAYER_STATE = "lota_layer_state";
    static final String MERGE_AUDIT = "lota_merge_audit";
    static final String EVAL = LotaEvaluation.TABLE;

    private static final TableSchema TRAIN_STEP_SCHEMA = TableSchema.of(TRAIN_STEP,
            "one row per t-SignSGD step of the ternary adaptation",
            Column.required("train_step", ColumnType.INT, "optimizer step t, 1-based"),
            Column.required("sigma_t", ColumnType.DOUBLE, "quantile level σ_t of the step"),
            Column.required("phase", ColumnType.INT, "1 while t ≤ 0.8·T, else 2"),
            Column.required("global_grad_norm", ColumnType.DOUBLE, "L2 norm of the gradients of all ternary factors"),
            Column.required("upper_cut_active", ColumnType.BOOLEAN, "phase 2 and norm > 10: gradients above the 0.99995-quantile were left out"),
            Column.required("loss", ColumnType.DOUBLE, "mean response-token cross-entropy of the step's micro-batches, nats"),
            Column.required("tokens", ColumnType.INT, "response tokens counted in the loss of the step"),
            Column.required("n_entries_updated_a", ColumnType.LONG, "entries of all A factors whose value changed"),
            Column.required("n_entries_updated_b", ColumnType.LONG, "entries of all B factors whose value changed"),
            Column.required("frac_nonzero_a", ColumnType.DOUBLE, "share of non-zero entries over all A factors after the step"),
            Column.required("frac_nonzero_b", ColumnType.DOUBLE, "share of non-zero entries over all B factors after the step"),
            Column.required("wall_ms", ColumnType.LONG, "wall time of the step"));

    private static final TableSchema LAYER_STATE_SCHEMA = TableSchema.of(LAYER_STATE,
            "one row per adapted projection at the end of the run: its markers, blocked moves and offsets",
            Column.required("train_step", ColumnType.INT, "the optimizer step the state belongs to (T)"),
            Column.optional("layer_idx", ColumnType.INT, "decoder layer of the projection; null when the name has none"),
            Column.required("module", ColumnType.STRING, "module name, e.g. model.layers.3.mlp.down_proj"),
            Column.required("bits", ColumnType.INT, "bits per code"),
            Column.required("group_size", ColumnType.INT, "input columns per group"),
            Column.required("rank", ColumnType.INT, "r"),
            Column.required("omega", ColumnType.DOUBLE, "ω"),
            Column.required("n_weights", ColumnType.LONG, "out × in"),
            Column.required("n_plus", ColumnType.LONG, "markers M = +1 (codes that move up one step)"),
            Column.required("n_minus", ColumnType.LONG, "markers M = −1"),
            Column.required("frac_changed", ColumnType.DOUBLE, "(n_plus + n_minus) / n_weights"),
            Column.required("n_blocked_at_max", ColumnType.LONG, "entries with P > ω whose code is already qmax (no marker)"),
            Column.required("n_blocked_at_min", ColumnType.LONG, "entries with P < −ω whose code is already 0"),
            Column.required("delta_mean", ColumnType.DOUBLE, "mean of the zero-point offsets δ over (out, group)"),
            Column.required("delta_abs_max", ColumnType.DOUBLE, "max |δ|"),
            Column.required("delta_abs_p99", ColumnType.DOUBLE, "99th percentile of |δ| (linear interpolation)"),
            Column.required("p_abs_max", ColumnType.DOUBLE, "max |B·A|"));

    private static final TableSchema MERGE_AUDIT_SCHEMA = TableSchema.of(MERGE_AUDIT,
            "one row per merged projection; a lossless merge has max_abs_code_change ≤ 1, no code out of range and "
                    + "both differences 0.0",
            Column.optional("layer_idx", ColumnType.INT, "decoder layer; null when the name has none"),
            Column.required("module", ColumnType.STRING, "module name"),
            Column.required("n_codes_changed", ColumnType.LONG, "codes with Q' ≠ Q"),
            Column.required("max_abs_code_change", ColumnType.INT, "max |Q' − Q| (0 or 1)"),
            Column.required("n_codes_out_of_range", ColumnType.LONG, "codes of Q' outside [0, qmax] (must be 0)"),
            Column.required("max_abs_diff_weff_vs_merged", ColumnType.DOUBLE, "max |W_eff − W| with W rebuilt from the packed (Q', s, z, δ) (must be 0.0)"),
            Column.required("max_abs_diff_reloaded", ColumnType.DOUBLE, "max |W_eff − W| with W of the model reloaded from the merged checkpoint (must be 0.0)"),
            Column.required("qweight_sha256_before", ColumnType.STRING, "SHA-256 of the packed qweight of Q (little-endian int32)"),
            Column.required("qweight_sha256_after", ColumnType.STRING, "SHA-256 of the packed qweight of Q'"),
            Column.required("delta_sha256", ColumnType.STRING, "SHA-256 of δ (groups, out) as little-endian fp32"));

    @Override
    public String name() {
        return "lota-qaf";
    }

    @Override
    public int version() {
        return 2;       // 2: the LoRA baseline's checkpoint lora/, lota_eval.lota_unit
    }

    @Override
    public String description() {
        return "LoTA-QAF: ternary adaptation of a group-wise low-bit model with t-SignSGD and a lossless merge";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(TRAIN_STEP_SCHEMA, LAYER_STATE_SCHEMA, MERGE_AUDIT_SCHEMA, LotaEvaluation.SCHEMA);
    }

    @Override
    public List<ParamSpec> params() {
        return LotaSettings.specs();
    }

    @Override
    public Set<String> formats() {
        return Set.of("instructions");
    }

    @Override
    public double activationMemoryFactor() {
        return 4;
    }

    @Override
    public KernelFactory kernels() {
        return new LotaQafKernel.Factory();
    }

    /**
     * Per run: each variant's exact match and response perplexity on one line each, and whether every merged layer
     * passed the audit. Nothing for tables no unit wrote.
     */
    @Override
    public List<String> headlines(TableReader tables) {
        List<String> lines = new ArrayList<>();
        // its own units' rows: lota-eval writes to the same table, naming the evaluated unit in lota_unit
        Map<String, Map<String, StringBuilder>> byRun = new LinkedHashMap<>();
        for (Row r : ReportQueries.rows(tables, EVAL, groupBy(col("model_id"), col("unit_id"), col("bits"), col("group_size"),
                col("metric"), col("variant")).where(LotaFigures.INLINE).first("score"))) {
            String run = String.format(Locale.ROOT, "%s %d-bit g%d (unit %s)", r.getString(0), r.getInt(2),
                    r.getInt(3), r.getString(1));
            byRun.computeIfAbsent(run, k -> new TreeMap<>()).computeIfAbsent(r.getString(4), k -> new StringBuilder())
                    .append(String.format(Locale.ROOT, " %s %.4f", r.getString(5), r.getDouble(6)));
        }
        byRun.forEach((run, metrics) -> metrics.forEach((metric, values) -> lines.add(run + " " + metric + ":" + values)));
        for (Row r : ReportQueries.rows(tables, MERGE_AUDIT, groupBy(col("model_id"), col("unit_id")).count()
                .max("max_abs_code_change").sum("n_codes_out_of_range").max("max_abs_diff_weff_vs_merged")
                .max("max_abs_diff_reloaded").sum("n_codes_changed"))) {
            boolean lossless = r.getDouble(3) <= 1 && r.getDouble(4) == 0 && r.getDouble(5) == 0.0 && r.getDouble(6) == 0.0;
            lines.add(String.format(Locale.ROOT, "%s (unit %s) merge audit: %d layers, %d codes moved one step, %s",
                    r.getString(0), r.getString(1), r.getLong(2), ((Number) r.get(7)).longValue(),
                    lossless ? "lossless (bit-identical weights after reload)" : "NOT LOSSLESS"));
        }
        return lines;
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return LotaFigures.lota(tables);
    }
}
