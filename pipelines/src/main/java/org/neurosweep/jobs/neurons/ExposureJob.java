package org.neurosweep.jobs.neurons;

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
import org.neurosweep.job.MapJob;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.SupportsCheckpointSeries;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ReportQueries;
import org.neurosweep.report.SupportsReport;

/**
 * {@code exposure}: how much a model leaks of planted or private secrets (Carlini et al. 2019; docs/methods/privacy-neurons.md
 * C6, C7): per record the exact exposure of its secret among every candidate of its format (batched by a trie over
 * the candidates' tokens, see {@code docs/methods/privacy-neurons.md}), DEPN's per-digit approximation where digits
 * are single tokens, and the likelihood of the secret; per unit the perplexity of held-out text. Over a checkpoint
 * series it gives exposure across training steps.
 */
public final class ExposureJob implements MapJob, NeedsDataset, SupportsCheckpointSeries, SupportsHeadlines,
        SupportsReport {

    static final String EXPOSURE = "exposure";
    static final String SUMMARY = "exposure_summary";

    private static final TableSchema EXPOSURE_TABLE = TableSchema.of(EXPOSURE, "per private record, its secret's exposure",
            Column.required("record_id", ColumnType.STRING, "the record (also example_id)"),
            Column.required("kind", ColumnType.STRING, "TEL for canaries; the record's kind otherwise"),
            Column.optional("repetitions", ColumnType.INT, "times the record was in the training data; null when unknown"),
            Column.required("n_candidates", ColumnType.INT, "|R|: candidates of the secret's format sharing its known digits"),
            Column.required("known_digits", ColumnType.INT, "leading digits of the secret the candidates keep"),
            Column.required("exposure", ColumnType.DOUBLE, "log2 |R| - log2 rank, exact"),
            Column.required("rank", ColumnType.INT, "1 + candidates more likely than the secret"),
            Column.required("logprob", ColumnType.DOUBLE, "log p(secret | context), nats (a masked LM: its pseudo-log-likelihood)"),
            Column.required("mean_candidate_logprob", ColumnType.DOUBLE, "mean over R of log p(candidate | context)"),
            Column.required("n_secret_tokens", ColumnType.INT, "tokens of the secret as it stands in the text"),
            Column.required("secret_ppl", ColumnType.DOUBLE, "exp(-logprob / n_secret_tokens)"),
            Column.optional("exposure_approx", ColumnType.DOUBLE, "DEPN's per-digit approximation; null when digits merge"),
            Column.optional("digit_ranks", ColumnType.INT_ARRAY, "its 0-based rank of each true digit among the ten"),
            Column.optional("note", ColumnType.STRING, "why the approximation is null"),
            Column.optional("name_mrr", ColumnType.DOUBLE, "kind NAME: mean over the secret's words of 1/rank of the word's "
                    + "first token over the vocabulary, teacher-forced (a masked LM: the word masked); null for other kinds"),
            Column.required("pseudo_ppl", ColumnType.DOUBLE, "pseudo-perplexity of the secret's tokens, equal to secret_ppl: "
                    + "teacher-forced for a causal LM (C7), each token at its own mask for a masked LM"),
            Column.required("risk_metric", ColumnType.STRING, "C5's screen for the kind: exposure (TEL), mrr (NAME), pppl (other)"),
            Column.required("risk", ColumnType.DOUBLE, "the record's value of that metric"),
            Column.required("memorization_threshold", ColumnType.DOUBLE, "its cut-off (parameters memorized-*)"),
            Column.required("memorized", ColumnType.BOOLEAN, "exposure > threshold, mrr > threshold, or pppl < threshold"));

    private static final TableSchema SUMMARY_TABLE = TableSchema.of(SUMMARY, "per unit, the batch's exposure and the model's utility",
            Column.required("n_records", ColumnType.INT, "records measured"),
            Column.required("mean_exposure", ColumnType.DOUBLE, "mean exact exposure (NaN without records)"),
            Column.required("private_ppl", ColumnType.DOUBLE, "perplexity of all secrets' tokens given their contexts"),
            Column.optional("heldout_ppl", ColumnType.DOUBLE, "perplexity of heldout-lines lines of heldout-text; null without"),
            Column.required("n_memorized", ColumnType.INT, "records the memorisation screen (C5) keeps"));

    @Override
    public String name() {
        return "exposure";
    }

    @Override
    public int version() {
        return 3;   // 3: a masked LM is measured (each token read at its own mask)
    }

    @Override
    public String description() {
        return "exact exposure of private records' secrets (all candidates of the format), per-digit approximation, perplexities";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(EXPOSURE_TABLE, SUMMARY_TABLE);
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(
                ParamSpec.of(PrivacyNeuronsJob.KNOWN_DIGITS, ParamType.INT, 0,
                        "candidates keep the secret's first this many digits (0: all enumerated, 10^6 for six digits)"),
                ParamSpec.of(PrivacyNeuronsJob.HELDOUT, ParamType.STRING, "", "a text file (local or shared path) for utility perplexity"),
                ParamSpec.of(PrivacyNeuronsJob.HELDOUT_LINES, ParamType.INT, 200, "its first this many non-empty lines"),
                PrivacyNeuronsJob.MEMORIZED_EXPOSURE_SPEC, PrivacyNeuronsJob.MEMORIZED_MRR_SPEC, PrivacyNeuronsJob.MEMORIZED_PPPL_SPEC);
    }

    @Override
    public Set<String> formats() {
        return Set.of(PrivateInputs.CANARIES, PrivateInputs.RECORDS);
    }

    @Override
    public KernelFactory kernels() {
        return new ExposureKernel.Factory();
    }

    /** Per model (and checkpoint): mean exposure by repetition count, held-out perplexity. */
    @Override
    public List<String> headlines(TableReader tables) {
        List<String> out = new ArrayList<>();
        for (Row r : ReportQueries.rows(tables, EXPOSURE, groupBy(col("model_id"), col("checkpoint"), col("repetitions"))
                .where(t -> t.get("repetitions") != null).avg("exposure").count())) {
            out.add(String.format(Locale.ROOT, "%s%s: secrets seen %d times, exposure %.2f (%d)", r.getString(0),
                    r.isNullAt(1) ? "" : "@" + r.getString(1), r.getInt(2), r.getDouble(3), r.getLong(4)));
        }
        for (Row r : ReportQueries.rows(tables, EXPOSURE, groupBy(col("model_id"), col("checkpoint"), col("risk_metric"))
                .sum(t -> t.isTrue("memorized") ? 1 : 0).sum(t -> t.get("risk") == null ? 0 : 1))) {
            out.add(String.format(Locale.ROOT, "%s%s: %d of %d records memorised by %s", r.getString(0),
                    r.isNullAt(1) ? "" : "@" + r.getString(1), ((Number) r.get(3)).longValue(), ((Number) r.get(4)).longValue(), r.getString(2)));
        }
        for (Row r : ReportQueries.rows(tables, SUMMARY, groupBy(col("model_id"), col("checkpoint"))
                .where(t -> t.get("heldout_ppl") != null).avg("heldout_ppl"))) {
            out.add(String.format(Locale.ROOT, "%s%s: held-out perplexity %.3f", r.getString(0),
                    r.isNullAt(1) ? "" : "@" + r.getString(1), r.getDouble(2)));
        }
        return out;
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return NeuronFigures.exposure(tables);
    }
}
