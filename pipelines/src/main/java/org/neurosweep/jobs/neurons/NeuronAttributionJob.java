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
import org.neurosweep.jobs.probe.MlamaInputs;

/**
 * {@code neuron-attribution}: knowledge neurons (Dai et al. 2022; docs/methods/neuron-attribution.md) over facts in the mLAMA
 * layout, every template of a relation being a paraphrase. Per prompt and layer, the integrated gradient of the
 * answer's first-token probability with respect to the FFN neurons at the last prompt position (joint layer scaling,
 * zero baseline, m steps batched in one forward and backward); per prompt the neurons above t · max; per fact those
 * chosen by enough of its prompts, with the adaptive ratio; and LRP2's overlap of per-relation neuron sets between
 * languages (B6.2). Dense FFN and expert neurons (only the experts routed at the position).
 */
public final class NeuronAttributionJob implements MapJob, NeedsDataset, NeedsGradients, SupportsCheckpointSeries,
        SupportsHeadlines,
        SupportsReport {

    static final String ATTRIBUTION = "neuron_attribution";
    static final String DIAGNOSTICS = "kn_ig_diagnostics";
    static final String KNOWLEDGE = "knowledge_neurons";
    static final String OVERLAP = "kn_overlap";

    static final String STEPS = "steps";
    static final String GRID = "grid";
    static final String LAYERS = "layers";
    static final String LANGUAGES = "languages";
    static final String PROMPT_THRESHOLD = "prompt-threshold";
    static final String BAG_RATIO = "bag-ratio";
    static final String BAG_STEP = "bag-ratio-step";
    static final String BAG_ROUNDS = "bag-rounds";
    static final String BAG_MIN_PROMPTS = "bag-min-prompts";
    static final String BAG_TARGET = "bag-target";
    static final String STORE_FRACTION = "store-fraction";
    static final String STORE_TOP = "store-top";
    static final String OVERLAP_TOP = "overlap-top";
    static final String LRP2 = "lrp2";
    static final String ENGLISH = "english";
    static final String LRP2_SENTENCES = "lrp2-max-sentences";

    private static final Column LANGUAGE = Column.required("language", ColumnType.STRING, "language of the prompt (mLAMA directory)");
    private static final Column RELATION = Column.required("relation", ColumnType.STRING, "relation id, e.g. P36");
    private static final Column UUID = Column.required("uuid", ColumnType.STRING, "the fact's id (also example_id)");
    private static final Column TEMPLATE_IDX = Column.required("template_idx", ColumnType.INT,
            "the template's index among the relation's templates in templates.jsonl (the paraphrases), file order");

    private static final TableSchema ATTRIBUTION_TABLE = TableSchema.of(ATTRIBUTION,
            "knowledge-neuron integrated gradients, sparse: per prompt the neurons with attribution >= store-fraction x "
                    + "the prompt's max, plus the store-top best of each layer",
            LANGUAGE, RELATION, UUID, TEMPLATE_IDX,
            Column.required("prompt", ColumnType.STRING, "the template cut before [Y] with [X] filled; a masked LM: the whole filled template with [MASK] in the [Y] slot"),
            Column.required("target_token_id", ColumnType.INT, "first token of the object text"),
            Column.required("target_token", ColumnType.STRING, "its decoded string"),
            NeuronColumns.LAYER, NeuronColumns.EXPERT, NeuronColumns.NEURON,
            Column.required("activation", ColumnType.FLOAT, "the neuron's activation at the last prompt position"),
            Column.required("attribution", ColumnType.DOUBLE, "Att = activation x mean over the path of dp/da"),
            Column.required("rank_in_prompt", ColumnType.INT, "1 = the prompt's largest attribution over all attributed layers"),
            Column.required("passes_prompt_threshold", ColumnType.BOOLEAN, "attribution >= prompt-threshold x the prompt's max (> 0)"),
            NeuronColumns.STEPS, NeuronColumns.GRID, NeuronColumns.TARGET_KIND);

    private static final TableSchema DIAGNOSTICS_TABLE = TableSchema.of(DIAGNOSTICS,
            "per prompt and layer, the completeness check of the integrated gradient",
            LANGUAGE, RELATION, UUID, TEMPLATE_IDX, NeuronColumns.LAYER, NeuronColumns.EXPERTS, NeuronColumns.P_FULL,
            NeuronColumns.P_ZERO, NeuronColumns.SUM, NeuronColumns.GAP, NeuronColumns.MAX, NeuronColumns.STEPS,
            NeuronColumns.GRID);

    private static final TableSchema KNOWLEDGE_TABLE = TableSchema.of(KNOWLEDGE,
            "per fact (language, uuid), its knowledge neurons: those above the prompt threshold in at least "
                    + "max(bag_ratio x n_prompts, bag-min-prompts) of its prompts",
            LANGUAGE, RELATION, UUID,
            Column.required("sub_label", ColumnType.STRING, "subject"),
            Column.required("obj_label", ColumnType.STRING, "gold object"),
            Column.required("n_prompts", ColumnType.INT, "the fact's prompts (templates) attributed"),
            NeuronColumns.LAYER, NeuronColumns.EXPERT, NeuronColumns.NEURON,
            Column.required("votes", ColumnType.INT, "prompts of the fact whose threshold the neuron passed"),
            Column.required("summed_attribution", ColumnType.DOUBLE, "its attribution summed over those prompts"),
            Column.required("rank_in_fact", ColumnType.INT, "1 = most votes (ties: larger summed attribution, then neuron order)"),
            Column.required("bag_ratio", ColumnType.DOUBLE, "the final ratio p of the fact's (language, relation) group"),
            Column.required("bag_rounds", ColumnType.INT, "how many times p moved by bag-ratio-step"));

    private static final TableSchema OVERLAP_TABLE = TableSchema.of(OVERLAP,
            "LRP2 B6.2: overlap of per-relation knowledge-neuron sets KN_r (per layer the overlap-top neurons most often "
                    + "among the overlap-top of a prompt's layer) between two languages, for every pair of relations; "
                    + "without (base) and, when parameter lrp2 is set, with the LRP2 projection",
            Column.required("language_a", ColumnType.STRING, "first language (alphabetical order)"),
            Column.required("language_b", ColumnType.STRING, "second language"),
            Column.required("relation_a", ColumnType.STRING, "relation of the first set"),
            Column.required("relation_b", ColumnType.STRING, "relation of the second set"),
            Column.required("same_relation", ColumnType.BOOLEAN, "relation_a = relation_b"),
            Column.required("condition", ColumnType.STRING,
                    "base: plain forwards; lrp2: each language of parameter lrp2 attributed under its projection "
                            + "(the other languages, the pivot included, as in base)"),
            Column.optional("lrp2_a", ColumnType.STRING, "the first language's projection \"i-j\" (LIRP after block i, "
                    + "LSRP after block j, 1-based); null when not projected"),
            Column.optional("lrp2_b", ColumnType.STRING, "the second language's projection; null when not projected"),
            Column.required("per_layer", ColumnType.INT, "neurons kept per layer (the paper: 20)"),
            Column.required("n_prompts_a", ColumnType.INT, "prompts behind the first set"),
            Column.required("n_prompts_b", ColumnType.INT, "prompts behind the second set"),
            Column.required("n_a", ColumnType.INT, "|KN_a|"),
            Column.required("n_b", ColumnType.INT, "|KN_b|"),
            Column.required("n_shared", ColumnType.INT, "|KN_a ∩ KN_b| (same layer, expert and index)"),
            Column.required("overlap", ColumnType.DOUBLE, "n_shared / min(n_a, n_b)"));

    @Override
    public String name() {
        return "neuron-attribution";
    }

    @Override
    public int version() {
        return 2;   // 2: a masked LM is attributed at its [MASK]; kn_overlap gains its LRP2 condition
    }

    @Override
    public String description() {
        return "knowledge neurons: integrated gradients of FFN and expert neurons per fact prompt, per-fact selection, "
                + "cross-language overlap";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(ATTRIBUTION_TABLE, DIAGNOSTICS_TABLE, KNOWLEDGE_TABLE, OVERLAP_TABLE);
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(
                ParamSpec.of(STEPS, ParamType.INT, 20, "Riemann steps m, all in one batched forward and backward per layer"),
                ParamSpec.of(GRID, ParamType.STRING, "left", "left (q/m, the KN and DEPN code), right or midpoint"),
                ParamSpec.of(LAYERS, ParamType.INT_LIST, List.of(), "0-based layers attributed; empty = every layer"),
                ParamSpec.of(LANGUAGES, ParamType.STRING_LIST, List.of(), "languages attributed; empty = every language"),
                ParamSpec.of(PROMPT_THRESHOLD, ParamType.DOUBLE, 0.2, "t: a prompt keeps neurons with Att >= t x its max"),
                ParamSpec.of(BAG_RATIO, ParamType.DOUBLE, 0.7, "p: a fact keeps neurons kept by >= p x its prompts (start value)"),
                ParamSpec.of(BAG_STEP, ParamType.DOUBLE, 0.05, "how far p moves per round"),
                ParamSpec.of(BAG_ROUNDS, ParamType.INT, 6, "at most this many moves of p per (language, relation)"),
                ParamSpec.of(BAG_MIN_PROMPTS, ParamType.INT, 3, "a fact's neuron needs at least this many prompts"),
                ParamSpec.of(BAG_TARGET, ParamType.DOUBLE_LIST, List.of(2.0, 5.0),
                        "[low, high]: p moves until the mean knowledge neurons per fact lie in it"),
                ParamSpec.of(STORE_FRACTION, ParamType.DOUBLE, 0.01,
                        "neuron_attribution keeps neurons with Att >= this x the prompt's max ..."),
                ParamSpec.of(STORE_TOP, ParamType.INT, 100, "... and the best this many of each layer"),
                ParamSpec.of(OVERLAP_TOP, ParamType.INT, 20, "kn_overlap: neurons per layer per prompt and per relation; 0 = no overlap table"),
                ParamSpec.of(LRP2, ParamType.STRING_LIST, List.of(),
                        "kn_overlap under LRP2: \"LANG:i-j\" per projected language (e.g. de:2-5); needs format mlama-corpus"),
                ParamSpec.of(ENGLISH, ParamType.STRING, "en", "LRP2's pivot language (never projected)"),
                ParamSpec.of(LRP2_SENTENCES, ParamType.INT, 1000, "corpus sentences per language for the language vectors (0 = all)"));
    }

    @Override
    public Set<String> formats() {
        return Set.of(MlamaInputs.MLAMA, MlamaInputs.MLAMA_CORPUS);
    }

    @Override
    public KernelFactory kernels() {
        return new NeuronAttributionKernel.Factory();
    }

    /** Per model: prompts, knowledge neurons per fact and the layers holding them; overlap same vs other relations. */
    @Override
    public List<String> headlines(TableReader tables) {
        List<String> out = new ArrayList<>();
        for (Row r : ReportQueries.rows(tables, DIAGNOSTICS, groupBy(col("model_id"))
                .countDistinct(col("uuid"), col("language"), col("template_idx")).max(t -> {
                    Double gap = t.number("completeness_gap");
                    return gap == null ? null : Math.abs(gap);
                }))) {
            out.add(String.format(Locale.ROOT, "%s: %d prompts attributed; largest |completeness gap| %.4f",
                    r.getString(0), r.getLong(1), r.getDouble(2)));
        }
        for (Row r : ReportQueries.rows(tables, KNOWLEDGE, groupBy(col("model_id"), col("language"))
                .countDistinct(col("uuid")).count().avg("layer"))) {
            out.add(String.format(Locale.ROOT, "%s %s: %d facts with knowledge neurons, %.2f per fact, mean layer %.2f",
                    r.getString(0), r.getString(1), r.getLong(2), (double) r.getLong(3) / r.getLong(2), r.getDouble(4)));
        }
        List<Row> overlap = ReportQueries.rows(tables, OVERLAP, groupBy(col("model_id"), col("language_a"), col("language_b"),
                col("condition"), col("same_relation")).avg("overlap"));
        for (Row r : overlap) {
            out.add(String.format(Locale.ROOT, "%s %s-%s: knowledge-neuron overlap (%s), %s relation %.3f", r.getString(0),
                    r.getString(1), r.getString(2), r.getString(3), r.getBoolean(4) ? "same" : "different", r.getDouble(5)));
        }
        return out;
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return NeuronFigures.knowledge(tables);
    }
}
