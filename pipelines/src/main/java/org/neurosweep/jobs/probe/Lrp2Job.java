package org.neurosweep.jobs.probe;

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
import org.neurosweep.report.Chart;
import org.neurosweep.report.SupportsReport;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.jobs.JobTables;
import org.neurosweep.report.ReportQueries;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

/**
 * {@code lrp2}: language representation projection (docs/methods/lrp2-mlama.md §4): language vectors per layer from a
 * monolingual corpus per language, the (LIRP, LSRP) layer pair searched per language on a dev split of the facts and
 * applied on the test split, where the probe of {@code mlama-probe} runs with and without projection. English is
 * never projected. A unit is one model x dataset x parameter point; it reads the whole dataset (the split needs
 * every fact), so the dataset must not be sharded.
 */
public final class Lrp2Job implements MapJob, NeedsDataset, SupportsCheckpointSeries, SupportsHeadlines, SupportsReport {

    static final String VECTORS = "lang_vectors";
    static final String GRID = "lrp2_grid";
    static final String ITEMS = "lrp2_item_scores";
    static final String SUMMARY = "lrp2_summary";
    static final String SIMILARITY = "lrp2_layer_similarity";

    static final String ENGLISH = "english";
    static final String DEV_FRACTION = "dev-fraction";
    static final String MAX_SENTENCES = "max-sentences";
    static final String LAYER_PAIRS = "layer-pairs";
    static final String LAYER_SIMILARITY = "layer-similarity";
    static final String SIMILARITY_FACTS = "layer-similarity-max-facts";

    private static final Column LIRP = Column.optional("lirp_layer", ColumnType.INT,
            "layer i (1-based, after block i) of the language-independent projection; null = no projection");
    private static final Column LSRP = Column.optional("lsrp_layer", ColumnType.INT,
            "layer j of the language-specific projection back; null = no projection");

    private static final TableSchema VECTOR_TABLE = TableSchema.of(VECTORS,
            "LRP2 language vectors v^i_l: the mean over sentences of each sentence's mean residual stream after block i",
            Column.required("language", ColumnType.STRING, "language of the corpus sentences"),
            Column.required("layer", ColumnType.INT, "i, 1..L: after block i"),
            Column.required("tap_point", ColumnType.STRING, "pre_final_norm: blocks.(i-1).resid_post"),
            Column.required("corpus", ColumnType.STRING, "the corpus file or folder"),
            Column.required("pooling", ColumnType.STRING, "mean_of_sentence_means"),
            Column.required("n_sentences", ColumnType.LONG, "distinct sentences pooled"),
            Column.required("n_tokens", ColumnType.LONG, "tokens pooled (no special tokens, no padding)"),
            Column.required("vector", ColumnType.FLOAT_ARRAY, "v^i_l, d_model floats"),
            Column.required("l2_norm", ColumnType.DOUBLE, "its Euclidean norm"));

    private static final TableSchema GRID_TABLE = new TableSchema(GRID,
            "the dev-split search: probe accuracy per non-English language and layer pair (and without projection)",
            List.of(Column.required("language", ColumnType.STRING, "query language"), LIRP, LSRP,
                    Column.required("split", ColumnType.STRING, "dev"),
                    Column.required("n_facts", ColumnType.LONG, "dev facts probed"),
                    Column.required("n_correct", ColumnType.LONG, "answered"),
                    Column.required("accuracy", ColumnType.DOUBLE, "n_correct / n_facts"),
                    Column.optional("transferability", ColumnType.DOUBLE,
                            "|R_l ∩ R_en| / |R_l ∪ R_en| over dev facts probed in both (a fraction; the paper reports x100)")));

    private static final TableSchema ITEM_TABLE = new TableSchema(ITEMS,
            "test-split probe results per fact, without (condition base) and with (lrp2) the dev-selected projection",
            JobTables.concat(List.of(
                    Column.required("condition", ColumnType.STRING, "base | lrp2 (English: base only; it is never projected)"),
                    LIRP, LSRP), ProbeColumns.ITEM));

    private static final TableSchema SUMMARY_TABLE = TableSchema.of(SUMMARY,
            "per language, test-split accuracy and transferability without and with the dev-selected projection",
            Column.required("language", ColumnType.STRING, "query language"),
            Column.required("n_dev_facts", ColumnType.LONG, "facts in the dev split"),
            Column.required("n_test_facts", ColumnType.LONG, "facts in the test split"),
            Column.required("selection_split", ColumnType.STRING, "dev: the pair was chosen on dev facts only"),
            Column.optional("best_lirp", ColumnType.INT, "chosen layer i; null for English"),
            Column.optional("best_lsrp", ColumnType.INT, "chosen layer j; null for English"),
            Column.optional("dev_accuracy_best", ColumnType.DOUBLE, "dev accuracy of the chosen pair"),
            Column.required("accuracy_base", ColumnType.DOUBLE, "test accuracy without projection"),
            Column.required("accuracy_lrp2", ColumnType.DOUBLE, "test accuracy with the chosen projection (English: = base)"),
            Column.optional("transferability_base", ColumnType.DOUBLE, "test transferability to English without projection"),
            Column.optional("transferability_lrp2", ColumnType.DOUBLE, "with projection"),
            Column.optional("gap_base", ColumnType.DOUBLE, "English test accuracy minus accuracy_base"),
            Column.optional("gap_lrp2", ColumnType.DOUBLE, "English test accuracy minus accuracy_lrp2"));

    private static final TableSchema SIMILARITY_TABLE = TableSchema.of(SIMILARITY,
            "mechanism analysis B6.1, per language and layer: mean cosine between the representation of a query and that "
                    + "of the parallel English query (same fact uuid, test split), without and with the language's "
                    + "dev-selected projection",
            Column.required("language", ColumnType.STRING, "query language (English: compared with itself, = 1)"),
            Column.required("layer", ColumnType.INT, "i, 1..L: the residual stream after block i, before the final norm"),
            LIRP, LSRP,
            Column.required("split", ColumnType.STRING, "test"),
            Column.required("pooling", ColumnType.STRING, "mean_over_query_tokens: the mean over the prompt's tokens "
                    + "(template cut before [Y], subject filled; no special tokens)"),
            Column.required("n_pairs", ColumnType.LONG, "parallel query pairs averaged over"),
            Column.optional("mean_cosine_base", ColumnType.DOUBLE, "mean cos(query_l, query_en) without projection"),
            Column.optional("mean_cosine_lrp2", ColumnType.DOUBLE, "the same with the (lirp, lsrp) projection applied to "
                    + "the language's query (= base for English, which is never projected)"));

    @Override
    public String name() {
        return "lrp2";
    }

    @Override
    public int version() {
        return 2;
    }

    @Override
    public String description() {
        return "LRP2: language vectors, (i, j) searched on dev facts, the probe on test facts with and without projection";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(VECTOR_TABLE, GRID_TABLE, ITEM_TABLE, SUMMARY_TABLE, SIMILARITY_TABLE);
    }

    @Override
    public List<ParamSpec> params() {
        List<ParamSpec> specs = new ArrayList<>(ProbeParams.specs());
        specs.add(ParamSpec.of(ENGLISH, ParamType.STRING, "en", "the pivot language (never projected)"));
        specs.add(ParamSpec.of(DEV_FRACTION, ParamType.DOUBLE, 0.2,
                "share of facts (by uuid hash, the same in every language) in the dev split that selects (i, j)"));
        specs.add(ParamSpec.of(MAX_SENTENCES, ParamType.INT, 1000,
                "distinct corpus sentences per language pooled into the language vectors; 0 = all"));
        specs.add(ParamSpec.of(LAYER_PAIRS, ParamType.STRING_LIST, List.of(),
                "layer pairs searched, as \"i-j\" (1 <= i < j <= L); empty = every pair"));
        specs.add(ParamSpec.of(LAYER_SIMILARITY, ParamType.BOOLEAN, true,
                "write lrp2_layer_similarity (B6.1): three more forward passes per parallel test query"));
        specs.add(ParamSpec.of(SIMILARITY_FACTS, ParamType.INT, 500,
                "lrp2_layer_similarity: at most this many parallel test facts per language (first by uuid); 0 = all"));
        return specs;
    }

    @Override
    public Set<String> formats() {
        return Set.of(MlamaInputs.MLAMA_CORPUS);
    }

    @Override
    public KernelFactory kernels() {
        return new Lrp2Kernel.Factory();
    }

    /** Per model and language: test accuracy and the gap to English without and with projection. */
    @Override
    public List<String> headlines(TableReader tables) {
        // one row per unit and language: (model_id, checkpoint, language, unit_id, accuracy_base, accuracy_lrp2,
        // best_lirp, best_lsrp, gap_base, gap_lrp2)
        List<Row> rows = ReportQueries.rows(tables, SUMMARY, groupBy(col("model_id"), col("checkpoint"), col("language"),
                col("unit_id")).first("accuracy_base").first("accuracy_lrp2").first("best_lirp").first("best_lsrp")
                .first("gap_base").first("gap_lrp2"));
        List<String> out = new ArrayList<>();
        for (Row r : rows) {
            String model = r.getString(0) + (r.isNullAt(1) ? "" : "@" + r.getString(1));
            String lang = r.getString(2);
            double base = r.getDouble(4);
            double lrp2 = r.getDouble(5);
            if (r.isNullAt(6)) {
                out.add(String.format(Locale.ROOT, "%s %s: test accuracy %.3f (pivot, never projected)", model, lang, base));
            } else {
                out.add(String.format(Locale.ROOT, "%s %s: test accuracy %.3f -> %.3f with LRP2 (%d, %d); gap to en %.3f -> %.3f",
                        model, lang, base, lrp2, r.getInt(6), r.getInt(7), r.getDouble(8), r.getDouble(9)));
            }
        }
        return out;
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return ProbeFigures.lrp2(tables);
    }
}
