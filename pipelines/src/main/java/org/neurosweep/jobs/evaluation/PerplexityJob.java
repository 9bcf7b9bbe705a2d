package org.neurosweep.jobs.evaluation;

import org.apache.spark.sql.Row;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.SupportsCheckpointSeries;
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
 * Perplexity of a text corpus (one document per line), per model and checkpoint: every line is scored by teacher
 * forcing after a leading end-of-text token, all its tokens counted (the convention of the world models'
 * {@code pretrain_text_ppl_first2000_lines}). The loss-curve measurement of capability-dynamics sweeps.
 */
public final class PerplexityJob implements MapJob, SupportsCheckpointSeries, NeedsDataset, SupportsHeadlines, SupportsReport {

    static final String TABLE = "perplexity_lines";
    static final String PREFIX_EOS = "prefix-eos";
    static final String MAX_TOKENS = "max-tokens";

    private static final TableSchema LINES = TableSchema.of(TABLE,
            "one row per scored line: its token count and summed negative log-likelihood",
            Column.required("line", ColumnType.LONG, "1-based line number in the dataset file (also example_id)"),
            Column.required("tokens", ColumnType.INT, "tokens whose log-probability was counted"),
            Column.required("nll", ColumnType.DOUBLE, "negative log-likelihood of those tokens, summed, in nats"),
            Column.required("truncated", ColumnType.BOOLEAN, "the line had more tokens than max-tokens; only the first were scored"));

    @Override
    public String name() {
        return "perplexity";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "perplexity of a text corpus (one document per line), per model and checkpoint";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(LINES);
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(
                ParamSpec.of(PREFIX_EOS, ParamType.BOOLEAN, true,
                        "score each line after a leading end-of-text token (else its first token is only context)"),
                ParamSpec.of(MAX_TOKENS, ParamType.INT, 0,
                        "score at most this many tokens per line; 0 = as many as the model's positions allow"));
    }

    @Override
    public Set<String> formats() {
        return Set.of("text");
    }

    @Override
    public KernelFactory kernels() {
        return new PerplexityKernel.Factory();
    }

    /** Corpus perplexity exp(sum nll / sum tokens) per model and checkpoint, in step order. */
    @Override
    public List<String> headlines(TableReader tables) {
        // (model_id, step, checkpoint, dataset, perplexity exp(Σ nll / Σ tokens), lines)
        List<Row> rows = ReportQueries.rows(tables, TABLE, groupBy(col("model_id"), col("step"), col("checkpoint"),
                col("dataset")).ratio(col("nll"), col("tokens")).then(Math::exp).count());
        return rows.stream().map(r -> String.format(Locale.ROOT, "%s%s on %s: perplexity %.4f over %d lines",
                r.getString(0), r.isNullAt(2) ? "" : " " + r.getString(2) + (r.isNullAt(1) ? "" : " (step " + r.getLong(1) + ")"),
                r.getString(3), r.getDouble(4), r.getLong(5))).toList();
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return EvaluationFigures.perplexity(tables);
    }
}
