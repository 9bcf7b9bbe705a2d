package org.neurosweep.jobs.icot;

import org.apache.spark.sql.Row;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.report.Chart;
import org.neurosweep.report.SupportsReport;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.report.ReportQueries;

import java.util.List;
import java.util.Locale;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

/**
 * Cross-task patching (docs/methods/internal-cot.md §6): the composite task vector θ_l (mean block output at the last
 * position over composite few-shot prompts) replaces {@code h_{l+1}[t*]} of zero-shot prompts of each single step; the
 * normalised strength S(l) = (acc_patch − acc_0) / (acc_ICL − acc_0) per layer shows whether the composite vector
 * carries both steps, and at which depth.
 */
public final class CrossTaskPatchJob extends CompositePromptJob implements SupportsHeadlines, SupportsReport {

    static final String TABLE = "p3_patching";
    static final String VECTORS_TABLE = "p3_task_vectors";

    static final String VECTOR_PROMPTS = "vector-prompts";
    static final String TRAIN_FRACTION = "train-fraction";
    static final String STORE_VECTORS = "store-vectors";

    private static final TableSchema PATCHING = TableSchema.of(TABLE,
            "per task, seed, step and layer: few-shot, zero-shot and patched accuracy of the step's prompts and S(l)",
            IcotColumns.TASK, IcotColumns.SEED, IcotColumns.SHOTS,
            Column.required("subtask", ColumnType.STRING, "s1 or s2: the step whose prompts are patched"),
            Column.required("subtask_task", ColumnType.STRING, "the step's task name"),
            Column.required("layer", ColumnType.INT, "l: h_{l+1}[t*] (blocks.l.resid_post) is replaced by θ_l"),
            Column.required("n", ColumnType.INT, "the step's prompts (drawn from its validation part)"),
            Column.required("acc_icl", ColumnType.DOUBLE, "few-shot accuracy of the step's answer (first token)"),
            Column.required("acc_zero", ColumnType.DOUBLE, "zero-shot accuracy"),
            Column.required("acc_patched", ColumnType.DOUBLE, "zero-shot accuracy with θ_l patched in"),
            Column.optional("strength", ColumnType.DOUBLE,
                    "S(l) = (acc_patched - acc_zero) / (acc_icl - acc_zero); null when acc_icl = acc_zero"),
            Column.required("vector_prompts", ColumnType.INT, "composite prompts averaged into θ (from the composite's train part)"));

    private static final TableSchema VECTORS = TableSchema.of(VECTORS_TABLE,
            "the composite task vectors θ_l, when store-vectors is set",
            IcotColumns.TASK, IcotColumns.SEED, IcotColumns.SHOTS,
            Column.required("layer", ColumnType.INT, "0-based layer l"),
            Column.required("vector", ColumnType.FLOAT_ARRAY, "θ_l = mean over prompts of h_{l+1}[t*], d floats"),
            Column.required("n_prompts", ColumnType.INT, "prompts averaged"));

    @Override
    public String name() {
        return "cross-task-patch";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "cross-task patching of composite task vectors into zero-shot prompts of each step: strength per layer";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(PATCHING, VECTORS);
    }

    @Override
    List<ParamSpec> ownParams() {
        return List.of(
                ParamSpec.of(VECTOR_PROMPTS, ParamType.INT, 100, "composite few-shot prompts averaged into the task vector"),
                ParamSpec.of(TRAIN_FRACTION, ParamType.DOUBLE, 0.3,
                        "share of each file's records in the train part (task-vector prompts); the rest is the validation part"),
                ParamSpec.of(STORE_VECTORS, ParamType.BOOLEAN, false, "also write θ to p3_task_vectors"));
    }

    @Override
    public KernelFactory kernels() {
        return new CrossTaskPatchKernel.Factory();
    }

    /** Per model, task and step: the best strength and its layer (seed 0 and others pooled by max). */
    @Override
    public List<String> headlines(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, TABLE, groupBy(col("model_id"), col("task"), col("subtask"))
                .where(r -> r.get("strength") != null).max("strength"));
        return rows.stream().map(r -> String.format(Locale.ROOT, "%s %s %s: max strength %.3f", r.getString(0),
                r.getString(1), r.getString(2), r.getDouble(3))).toList();
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return IcotFigures.patching(tables);
    }
}
