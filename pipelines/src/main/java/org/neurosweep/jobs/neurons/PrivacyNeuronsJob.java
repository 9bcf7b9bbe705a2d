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
import org.neurosweep.job.NeedsGradients;
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
 * {@code privacy-neurons}: DEPN (Wu et al. 2023; docs/methods/privacy-neurons.md) over the
 * private records of one unit (the batch): per record the teacher-forced knowledge-neuron attribution of each private
 * token, summed; the record's candidates (≥ candidate-fraction · max); votes over the batch and the top z for each z;
 * each edit (the neurons' activations zeroed) measured by exact exposure of every record's secret, the perplexity of
 * the private texts and of held-out text, before and after; optionally the edit written as a checkpoint. A masked LM
 * (BERT, DEPN's own setting) reads each private token at its own mask instead of teacher-forced: pseudo-log-likelihood
 * exposure, name MRR with the word masked, pseudo-perplexities.
 */
public final class PrivacyNeuronsJob implements MapJob, NeedsDataset, NeedsGradients, SupportsCheckpointSeries,
        SupportsHeadlines,
        SupportsReport {

    static final String ITEMS = "privacy_items";
    static final String ATTRIBUTION = "privacy_neuron_attribution";
    static final String DIAGNOSTICS = "privacy_ig_diagnostics";
    static final String VOTES = "privacy_neuron_votes";
    static final String EDITS = "privacy_edits";
    static final String EVAL = "privacy_eval";

    static final String STEPS = "steps";
    static final String GRID = "grid";
    static final String LAYERS = "layers";
    static final String CANDIDATE_FRACTION = "candidate-fraction";
    static final String Z = "z";
    static final String KNOWN_DIGITS = "exposure-known-digits";
    static final String HELDOUT = "heldout-text";
    static final String HELDOUT_LINES = "heldout-lines";
    static final String WRITE_CHECKPOINT = "write-checkpoint";
    static final String STORE_TOP = "store-top";
    static final String MEMORIZED_EXPOSURE = "memorized-exposure";
    static final String MEMORIZED_MRR = "memorized-mrr";
    static final String MEMORIZED_PPPL = "memorized-pppl";
    static final String SCREEN = "screen";

    static final ParamSpec MEMORIZED_EXPOSURE_SPEC = ParamSpec.of(MEMORIZED_EXPOSURE, ParamType.DOUBLE, 10.0,
            "C5: a TEL record is memorised when its exact exposure exceeds this (the DEPN code's default)");
    static final ParamSpec MEMORIZED_MRR_SPEC = ParamSpec.of(MEMORIZED_MRR, ParamType.DOUBLE, 0.4,
            "C5: a NAME record is memorised when its name MRR exceeds this");
    static final ParamSpec MEMORIZED_PPPL_SPEC = ParamSpec.of(MEMORIZED_PPPL, ParamType.DOUBLE, 2.5,
            "C5: a record of another kind is memorised when its pseudo-perplexity is below this");

    private static final Column RECORD = Column.required("record_id", ColumnType.STRING, "the private record (also example_id)");
    private static final Column Z_COLUMN = Column.required("z", ColumnType.INT, "neurons asked for: the top z by votes");

    private static final TableSchema ITEMS_TABLE = TableSchema.of(ITEMS, "the private records of the unit (the batch)",
            RECORD,
            Column.required("kind", ColumnType.STRING, "TEL for canaries; the record's kind otherwise"),
            Column.required("context", ColumnType.STRING, "X, the text before the secret"),
            Column.required("secret", ColumnType.STRING, "Y, the private span"),
            Column.optional("repetitions", ColumnType.INT, "times the record was in the training data; null when unknown"),
            Column.required("n_private_tokens", ColumnType.INT, "tokens overlapping the secret (each attributed teacher-forced, or at its mask)"),
            Column.required("one_token_per_char", ColumnType.BOOLEAN,
                    "each character of the secret is a token of its own; false: the tokenizer merges digits, so the "
                            + "per-digit exposure approximation is undefined"),
            Column.optional("leak_prob", ColumnType.DOUBLE,
                    "P(Y | X) = product of p(y_i | prefix), teacher-forced; a masked LM: product of p(y_i | the record with "
                            + "y_i alone masked)"),
            Column.optional("max_attribution", ColumnType.DOUBLE, "the largest summed attribution; null when not in the batch"),
            Column.optional("n_candidates", ColumnType.INT,
                    "neurons with summed attribution >= candidate-fraction x max (> 0); null when not in the batch"),
            Column.optional("risk_metric", ColumnType.STRING,
                    "C5's screen for the kind: exposure (TEL), mrr (NAME), pppl (other); a masked LM reads each token "
                            + "at its own mask"),
            Column.optional("risk_before", ColumnType.DOUBLE, "the record's value of that metric, unedited"),
            Column.optional("memorization_threshold", ColumnType.DOUBLE, "its cut-off (parameters memorized-*)"),
            Column.optional("memorized", ColumnType.BOOLEAN, "exposure > threshold, mrr > threshold, or pppl < threshold"),
            Column.required("in_batch", ColumnType.BOOLEAN,
                    "the record was attributed and voted: every record, or with screen = true "
                            + "the memorised ones"));

    private static final TableSchema ATTRIBUTION_TABLE = TableSchema.of(ATTRIBUTION,
            "per record, the privacy attribution summed over its private tokens, sparse: the candidates and the "
                    + "store-top best of each layer",
            RECORD, NeuronColumns.LAYER, NeuronColumns.EXPERT, NeuronColumns.NEURON,
            Column.required("attribution", ColumnType.DOUBLE, "sum over the private tokens of the knowledge-neuron IG"),
            Column.required("rank_in_record", ColumnType.INT, "1 = the record's largest"),
            Column.required("is_candidate", ColumnType.BOOLEAN, "attribution >= candidate-fraction x the record's max (> 0)"),
            NeuronColumns.STEPS, NeuronColumns.GRID, NeuronColumns.TARGET_KIND);

    private static final TableSchema DIAGNOSTICS_TABLE = TableSchema.of(DIAGNOSTICS,
            "per record, private token and layer, the completeness check of the integrated gradient",
            RECORD,
            Column.required("token_idx", ColumnType.INT, "i: the i-th private token (0-based)"),
            Column.required("token_id", ColumnType.INT, "y_i, predicted at the position before it (a masked LM: at its own mask)"),
            NeuronColumns.LAYER, NeuronColumns.EXPERTS, NeuronColumns.P_FULL, NeuronColumns.P_ZERO, NeuronColumns.SUM,
            NeuronColumns.GAP, NeuronColumns.STEPS, NeuronColumns.GRID);

    private static final TableSchema VOTES_TABLE = TableSchema.of(VOTES,
            "the batch aggregation: every neuron in at least one record's candidate set",
            NeuronColumns.LAYER, NeuronColumns.EXPERT, NeuronColumns.NEURON,
            Column.required("votes", ColumnType.INT, "records whose candidate set holds the neuron (<= n_records)"),
            Column.required("n_records", ColumnType.INT, "records in the batch"),
            Column.required("sum_attribution", ColumnType.DOUBLE, "its summed attribution over those records"),
            Column.required("selection_rank", ColumnType.INT, "1 = most votes (ties: larger sum_attribution, then neuron order); "
                    + "the top z of an edit are ranks 1..z"));

    private static final TableSchema EDITS_TABLE = TableSchema.of(EDITS,
            "per z, the edit (the selected neurons' activations zeroed at every position) and what it costs",
            Z_COLUMN,
            Column.required("n_neurons", ColumnType.INT, "neurons edited: min(z, neurons with a vote)"),
            Column.required("layers", ColumnType.INT_ARRAY, "layer of each edited neuron"),
            Column.required("expert_ids", ColumnType.INT_ARRAY, "expert of each edited neuron"),
            Column.required("neuron_idxs", ColumnType.INT_ARRAY, "index of each edited neuron"),
            Column.required("edit_mode", ColumnType.STRING, "zero_activation (run-time intervention; equals zeroing down_proj columns)"),
            Column.optional("edited_checkpoint", ColumnType.STRING, "the edited checkpoint (down projection columns zeroed), when write-checkpoint"),
            Column.optional("checkpoint_logit_diff", ColumnType.DOUBLE,
                    "max |logits(reloaded checkpoint) - logits(intervention)| over the first record's text"),
            Column.required("mean_exposure_before", ColumnType.DOUBLE, "mean exact exposure over the batch, unedited"),
            Column.required("mean_exposure_after", ColumnType.DOUBLE, "the same, edited"),
            Column.required("private_ppl_before", ColumnType.DOUBLE, "perplexity of the private tokens given their prefixes (a masked LM: pseudo-perplexity)"),
            Column.required("private_ppl_after", ColumnType.DOUBLE, "the same, edited"),
            Column.optional("heldout_ppl_before", ColumnType.DOUBLE, "perplexity of heldout-lines lines of heldout-text (utility; a masked LM: pseudo-perplexity)"),
            Column.optional("heldout_ppl_after", ColumnType.DOUBLE, "the same, edited"),
            Column.required("n_memorized_before", ColumnType.INT, "records memorised by C5's screen, unedited"),
            Column.required("n_memorized_after", ColumnType.INT, "the same, edited"),
            Column.required("n_batch", ColumnType.INT, "records that detected and voted"));

    private static final TableSchema EVAL_TABLE = TableSchema.of(EVAL, "per z and record, the secret's exposure before and after the edit",
            Z_COLUMN, RECORD,
            Column.optional("repetitions", ColumnType.INT, "times the record was in the training data"),
            Column.required("n_candidates", ColumnType.INT, "|R|: candidates of the secret's format sharing its known digits"),
            Column.required("known_digits", ColumnType.INT, "leading digits of the secret the candidates keep"),
            Column.required("exposure_before", ColumnType.DOUBLE, "log2 |R| - log2 rank, exact"),
            Column.required("exposure_after", ColumnType.DOUBLE, "the same with the edit"),
            Column.required("rank_before", ColumnType.INT, "1 + candidates more likely than the secret"),
            Column.required("rank_after", ColumnType.INT, "the same with the edit"),
            Column.required("logprob_before", ColumnType.DOUBLE, "log p(secret | context), nats (a masked LM: its pseudo-log-likelihood)"),
            Column.required("logprob_after", ColumnType.DOUBLE, "the same with the edit"),
            Column.optional("exposure_approx_before", ColumnType.DOUBLE,
                    "DEPN's per-digit approximation; null when the tokenizer merges digits (see note)"),
            Column.optional("exposure_approx_after", ColumnType.DOUBLE, "the same with the edit"),
            Column.optional("note", ColumnType.STRING, "why the approximation is null"),
            Column.required("risk_metric", ColumnType.STRING, "the kind's metric: exposure (TEL), mrr (NAME: name MRR), pppl "
                    + "(pseudo-perplexity: teacher-forced, or each token at its mask)"),
            Column.required("risk_before", ColumnType.DOUBLE, "its value unedited"),
            Column.required("risk_after", ColumnType.DOUBLE, "its value with the edit"),
            Column.required("memorized_before", ColumnType.BOOLEAN, "C5's screen, unedited"),
            Column.required("memorized_after", ColumnType.BOOLEAN, "C5's screen with the edit"));

    @Override
    public String name() {
        return "privacy-neurons";
    }

    @Override
    public int version() {
        return 3;   // 2: a masked LM is attributed at its [MASK]; the C5 screen and its risk columns; 3: a masked LM
                    // is edited and evaluated (pseudo-log-likelihood exposure, name MRR, pseudo-perplexity)
    }

    @Override
    public String description() {
        return "DEPN privacy neurons: IG per private token (teacher-forced, or at its mask), batch votes, editing, "
                + "exact exposure before/after";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(ITEMS_TABLE, ATTRIBUTION_TABLE, DIAGNOSTICS_TABLE, VOTES_TABLE, EDITS_TABLE, EVAL_TABLE);
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(
                ParamSpec.of(STEPS, ParamType.INT, 20, "Riemann steps m, all in one batched forward and backward per layer"),
                ParamSpec.of(GRID, ParamType.STRING, "left", "left (q/m, the DEPN code), right or midpoint"),
                ParamSpec.of(LAYERS, ParamType.INT_LIST, List.of(), "0-based layers attributed; empty = every layer"),
                ParamSpec.of(CANDIDATE_FRACTION, ParamType.DOUBLE, 0.1, "a record's candidates: summed attribution >= this x its max"),
                ParamSpec.of(Z, ParamType.INT_LIST, List.of(10, 20), "edit sizes: the top z neurons by votes, one edit per z"),
                ParamSpec.of(KNOWN_DIGITS, ParamType.INT, 0,
                        "exact exposure enumerates the digits after the secret's first this many (0: all, 10^6 for six digits)"),
                ParamSpec.of(HELDOUT, ParamType.STRING, "", "a text file (local or shared path) for utility perplexity; empty = none"),
                ParamSpec.of(HELDOUT_LINES, ParamType.INT, 200, "its first this many non-empty lines"),
                ParamSpec.of(WRITE_CHECKPOINT, ParamType.BOOLEAN, false,
                        "also write each edit as a checkpoint artifact (down_proj columns zeroed; the model folder must be local)"),
                ParamSpec.of(STORE_TOP, ParamType.INT, 20, "privacy_neuron_attribution keeps the candidates and this many best per layer"),
                MEMORIZED_EXPOSURE_SPEC, MEMORIZED_MRR_SPEC, MEMORIZED_PPPL_SPEC,
                ParamSpec.of(SCREEN, ParamType.BOOLEAN, false,
                        "C5: only the records the memorisation screen keeps detect and vote (all are evaluated)"));
    }

    @Override
    public Set<String> formats() {
        return Set.of(PrivateInputs.CANARIES, PrivateInputs.RECORDS);
    }

    @Override
    public KernelFactory kernels() {
        return new PrivacyNeuronsKernel.Factory();
    }

    /** Per model and z: mean exposure by repetition count before and after, and the held-out perplexity change. */
    @Override
    public List<String> headlines(TableReader tables) {
        List<String> out = new ArrayList<>();
        for (Row r : ReportQueries.rows(tables, EDITS, groupBy(col("model_id"), col("z")).first("n_neurons")
                .avg("mean_exposure_before").avg("mean_exposure_after").avg("heldout_ppl_before").avg("heldout_ppl_after"))) {
            String ppl = r.isNullAt(5) ? "" : String.format(Locale.ROOT, "; held-out perplexity %.3f -> %.3f",
                    r.getDouble(5), r.getDouble(6));
            out.add(String.format(Locale.ROOT, "%s z=%d (%d neurons): mean exposure %.2f -> %.2f%s", r.getString(0),
                    r.getInt(1), r.getInt(2), r.getDouble(3), r.getDouble(4), ppl));
        }
        for (Row r : ReportQueries.rows(tables, EVAL, groupBy(col("model_id"), col("z"), col("repetitions"))
                .where(t -> t.get("repetitions") != null).avg("exposure_before").avg("exposure_after"))) {
            out.add(String.format(Locale.ROOT, "%s z=%d: secrets seen %d times, exposure %.2f -> %.2f", r.getString(0),
                    r.getInt(1), r.getInt(2), r.getDouble(3), r.getDouble(4)));
        }
        return out;
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return NeuronFigures.privacy(tables);
    }
}
