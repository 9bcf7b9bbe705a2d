package org.neurosweep.jobs.icot;

import org.apache.spark.sql.Row;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.report.Chart;
import org.neurosweep.report.SupportsReport;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.jobs.JobTables;
import org.neurosweep.report.ReportQueries;

import java.util.List;
import java.util.Locale;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

/**
 * Few-shot and zero-shot accuracy on the composite tasks and their two single-step parts (docs/methods/internal-cot.md
 * §3): the input of the logit-lens, context-mask and cross-task-patch jobs, which rebuild the same prompts from the
 * same (dataset, task, seed, shots, prompts) and so refer to the prompt ids stored here.
 */
public final class CompositeEvalJob extends CompositePromptJob implements SupportsHeadlines, SupportsReport {

    static final String PROMPTS_TABLE = "p3_prompts";
    static final String ACCURACY_TABLE = "p3_accuracy";

    static final Column PART = Column.required("part", ColumnType.STRING,
            "composite (the two-step task), s1 or s2 (its single-step parts)");
    static final Column PART_TASK = Column.required("part_task", ColumnType.STRING,
            "the task the prompts are drawn from: the composite's name, or the step's task name");
    static final Column KIND = Column.required("kind", ColumnType.STRING,
            "icl (demonstrations then the query block) or zero (the query block alone)");

    private static final TableSchema PROMPTS = new TableSchema(PROMPTS_TABLE,
            "one row per prompt and kind: its text, tokens, demonstration span, targets and the model's next token",
            List.of(IcotColumns.TASK, PART, PART_TASK, IcotColumns.SEED, IcotColumns.SHOTS, IcotColumns.PROMPT_ID, KIND,
                    Column.required("text", ColumnType.STRING, "the prompt, ending in 'A:' with no trailing space"),
                    Column.required("tok_ids", ColumnType.INT_ARRAY, "its token ids as the model read them"),
                    Column.optional("demo_start", ColumnType.INT, "first token of the demonstrations (1 after a BOS, else 0); null for zero"),
                    Column.optional("demo_end", ColumnType.INT, "one past the demonstrations' last token (separators included); null for zero"),
                    Column.required("answer_yt", ColumnType.STRING, "the query's answer y_t (the step's answer for s1/s2)"),
                    Column.optional("answer_t1", ColumnType.STRING, "the intermediate answer s1(x); null for single-step prompts"),
                    Column.optional("answer_t2", ColumnType.STRING, "s2 without s1, as in the data file; null where the source has none"),
                    Column.required("token_yt", ColumnType.INT, "first token of ' ' + answer_yt"),
                    Column.optional("token_t1", ColumnType.INT, "first token of ' ' + answer_t1"),
                    Column.optional("token_t2", ColumnType.INT, "first token of ' ' + answer_t2"),
                    Column.required("predicted_token", ColumnType.INT, "argmax of the next-token logits at the last position"),
                    Column.required("predicted_text", ColumnType.STRING, "its decoded string"),
                    Column.required("hit_yt", ColumnType.BOOLEAN, "predicted_text equals the string of token_yt"),
                    Column.optional("hit_t1", ColumnType.BOOLEAN, "predicted_text equals the string of token_t1"),
                    Column.optional("hit_t2", ColumnType.BOOLEAN, "predicted_text equals the string of token_t2"),
                    Column.required("rank_yt", ColumnType.INT, "rank of token_yt: 1 + tokens with a strictly larger logit"),
                    Column.optional("rank_t1", ColumnType.INT, "rank of token_t1"),
                    Column.optional("rank_t2", ColumnType.INT, "rank of token_t2")));

    private static final TableSchema ACCURACY = new TableSchema(ACCURACY_TABLE,
            "accuracy per task, part (composite, s1, s2), seed and kind (icl, zero)",
            JobTables.concat(List.of(IcotColumns.TASK, PART, PART_TASK, IcotColumns.SEED, IcotColumns.SHOTS, KIND),
                    IcotColumns.scores("on the part's prompts")));

    @Override
    public String name() {
        return "composite-eval";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "few-shot and zero-shot accuracy of composite tasks and their two steps (internal chain-of-thought)";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(PROMPTS, ACCURACY);
    }

    @Override
    public KernelFactory kernels() {
        return new CompositeEvalKernel.Factory();
    }

    /** Mean few-shot and zero-shot y_t accuracy per model, dataset and part, over tasks and seeds. */
    @Override
    public List<String> headlines(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, ACCURACY_TABLE,
                groupBy(col("model_id"), col("dataset"), col("part"), col("kind")).avg("acc_yt").avg("acc_t1"));
        return rows.stream().map(r -> String.format(Locale.ROOT, "%s on %s, %s %s: acc y_t %.3f%s", r.getString(0),
                r.getString(1), r.getString(2), r.getString(3), r.getDouble(4),
                r.isNullAt(5) ? "" : String.format(Locale.ROOT, ", t1 %.3f", r.getDouble(5)))).toList();
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return IcotFigures.accuracy(tables);
    }
}
