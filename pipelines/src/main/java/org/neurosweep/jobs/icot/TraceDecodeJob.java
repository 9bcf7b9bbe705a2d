package org.neurosweep.jobs.icot;

import org.apache.spark.sql.Row;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.NeedsDataset;
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
import java.util.Set;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

/**
 * The TRACE replication (docs/methods/internal-cot.md §7): for each masking layer ℓ, greedy generation on
 * multi-constraint instructions with the constraints (or description and constraints) masked from ℓ on, in the prefill
 * and every decoding step; and the logit lens at the last prompt position under the same mask, recording per layer how
 * decodable each constraint's keyword tokens are. Generations are stored for an LLM judge to score later (no judge runs
 * here).
 */
public final class TraceDecodeJob implements MapJob, NeedsDataset, SupportsHeadlines, SupportsReport {

    static final String GENERATIONS_TABLE = "p3_trace_gen";
    static final String LENS_TABLE = "p3_trace_lens";

    static final String MASK_RANGE = "mask-range";
    static final String LAYERS_FROM = "layers-from";
    static final String MAX_NEW_TOKENS = "max-new-tokens";
    static final String TEMPLATE = "template";
    static final String SUBSET = "subset";
    static final String LENS = "lens";

    private static final Column ITEM_ID = Column.required("item_id", ColumnType.STRING, "the TRACE item's id");
    private static final Column RANGE = Column.required("mask_range", ColumnType.STRING,
            "constraints (the paper's default) or all (description and constraints)");
    private static final Column LAYER_FROM = Column.required("layer_from", ColumnType.INT,
            "ℓ: the span is masked at every layer >= ℓ; ℓ = layers masks nothing");

    private static final TableSchema GENERATIONS = TableSchema.of(GENERATIONS_TABLE,
            "one greedy generation per item and masking layer, with what a judge needs to score it",
            ITEM_ID, RANGE, LAYER_FROM,
            Column.required("masked", ColumnType.BOOLEAN, "layer_from < layers"),
            Column.required("layers", ColumnType.INT, "the model's layer count L"),
            Column.required("decoding", ColumnType.STRING, "greedy"),
            Column.required("max_new_tokens", ColumnType.INT, "the generation budget"),
            Column.required("response", ColumnType.STRING, "the decoded generation (special tokens skipped)"),
            Column.required("n_new_tokens", ColumnType.INT, "tokens generated, stop token included"),
            Column.required("stopped", ColumnType.BOOLEAN, "an end-of-sequence token ended it (else the budget did)"),
            Column.required("prompt_tokens", ColumnType.INT, "tokens of the rendered chat prompt"),
            Column.required("span_start", ColumnType.INT, "first masked token (from the tokenizer's offsets)"),
            Column.required("span_end", ColumnType.INT, "one past the last masked token"),
            Column.required("constraints", ColumnType.STRING_ARRAY, "the item's constraints, one per entry (for the judge)"),
            Column.required("constraint_types", ColumnType.STRING_ARRAY, "their types (levels2), aligned with constraints"));

    private static final TableSchema LENS_ROWS = TableSchema.of(LENS_TABLE,
            "per item, masking layer, lens layer and constraint: the best-ranked keyword token of the constraint under "
                    + "the logit lens (resid_post, final_scale) at the last prompt position",
            ITEM_ID, RANGE, LAYER_FROM,
            Column.required("layer", ColumnType.INT, "the lens layer l (0-based)"),
            Column.required("constraint_idx", ColumnType.INT, "0-based index into constraints"),
            Column.required("constraint_type", ColumnType.STRING, "its type (levels2)"),
            Column.required("n_keywords", ColumnType.INT,
                    "distinct tokens of the constraint text whose string holds a letter (its keyword tokens)"),
            Column.optional("best_token", ColumnType.INT, "the keyword token with the best rank; null when none"),
            Column.optional("best_token_text", ColumnType.STRING, "its decoded string"),
            Column.optional("best_rank", ColumnType.INT, "its rank (1 = the lens's top token); null when no keyword"),
            Column.optional("best_prob", ColumnType.DOUBLE, "its probability under the lens"));

    @Override
    public String name() {
        return "trace-decode";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "TRACE instructions generated with the constraints masked from layer l on; keyword decodability per layer";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(GENERATIONS, LENS_ROWS);
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(
                ParamSpec.oneOf(MASK_RANGE, ParamType.STRING, "constraints", List.of("constraints", "all"),
                        "masked span: constraints or all"),
                ParamSpec.of(LAYERS_FROM, ParamType.INT_LIST, List.of(),
                        "masking layers ℓ to run (0..L, L = unmasked); empty = all of 0..L"),
                ParamSpec.of(MAX_NEW_TOKENS, ParamType.INT, 1500, "greedy generation budget per item (the paper: 1500)"),
                ParamSpec.oneOf(TEMPLATE, ParamType.STRING, "chatml", List.of("chatml", "plain"),
                        "chat rendering: chatml (Qwen2, the paper's model) or plain (turns joined by blank lines)"),
                ParamSpec.of(SUBSET, ParamType.BOOLEAN, true,
                        "keep only items whose types include inclusion, output format and tone/style (69 of 1,042)"),
                ParamSpec.of(LENS, ParamType.BOOLEAN, true, "also write the keyword lens table p3_trace_lens"));
    }

    @Override
    public Set<String> formats() {
        return Set.of("trace");
    }

    @Override
    public KernelFactory kernels() {
        return new TraceDecodeKernel.Factory();
    }

    /** Per model and masking layer: generations stored and the mean best keyword rank at the last lens layer. */
    @Override
    public List<String> headlines(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, GENERATIONS_TABLE,
                groupBy(col("model_id"), col("mask_range"), col("layer_from")).count().avg("n_new_tokens"));
        return rows.stream().map(r -> String.format(Locale.ROOT,
                "%s, %s masked from layer %d: %d generations stored for judging, %.1f tokens on average",
                r.getString(0), r.getString(1), r.getInt(2), r.getLong(3), r.getDouble(4))).toList();
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return IcotFigures.traceLens(tables);
    }
}
