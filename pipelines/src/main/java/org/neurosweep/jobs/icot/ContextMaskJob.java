package org.neurosweep.jobs.icot;

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
import org.neurosweep.jobs.JobTables;

import java.util.ArrayList;
import java.util.List;


/**
 * Layer-from context masking (docs/methods/internal-cot.md §4, {@code attn} type): the demonstrations of each composite
 * few-shot prompt are masked from layer ℓ on, and y_t, t1 and t2 first-token accuracy is measured per ℓ — the
 * X-shaped crossing of the t1 and y_t curves. ℓ = L (the row with {@code masked = false}) is the unmasked run.
 */
public final class ContextMaskJob extends CompositePromptJob implements SupportsHeadlines, SupportsReport {

    static final String TABLE = "p3_masking";
    static final String LAYERS_FROM = "layers-from";

    private static final TableSchema MASKING = new TableSchema(TABLE,
            "accuracy of the composite few-shot prompts per masking layer",
            JobTables.concat(List.of(IcotColumns.TASK, IcotColumns.SEED, IcotColumns.SHOTS,
                    Column.required("mask_type", ColumnType.STRING, "attn: additive -inf on the demonstration keys of every head"),
                    Column.required("layer_from", ColumnType.INT,
                            "ℓ: the demonstrations are masked at every layer >= ℓ (0-based); ℓ = layers masks nothing"),
                    Column.required("masked", ColumnType.BOOLEAN, "layer_from < layers"),
                    Column.required("layers", ColumnType.INT, "the model's layer count L")),
                    IcotColumns.scores("with the demonstrations masked from layer_from on")));

    @Override
    public String name() {
        return "context-mask";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "layer-from masking of the in-context demonstrations: composite-task accuracy per masking layer";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(MASKING);
    }

    @Override
    List<ParamSpec> ownParams() {
        return List.of(ParamSpec.of(LAYERS_FROM, ParamType.INT_LIST, List.of(),
                "masking layers ℓ to run (0..L, L = unmasked); empty = all of 0..L"));
    }

    @Override
    public KernelFactory kernels() {
        return new ContextMaskKernel.Factory();
    }

    /** Per model: mean y_t and t1 accuracy over tasks and seeds as curves over ℓ = 0..L. */
    @Override
    public List<String> headlines(TableReader tables) {
        List<String> out = new ArrayList<>();
        for (String target : List.of("yt", "t1")) {
            out.addAll(Curves.meanCurves(tables, TABLE, r -> true, "layer_from", "acc_" + target,
                    "acc " + target + " masked from layer 0..L ="));
        }
        return out;
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return IcotFigures.masking(tables);
    }
}
