package org.neurosweep.jobs.sparse;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.Planner;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.job.SupportsSummary;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.report.Chart;
import org.neurosweep.report.SupportsReport;

import static org.neurosweep.jobs.sparse.SparseColumns.CATEGORY;
import static org.neurosweep.jobs.sparse.SparseColumns.CRITERION;
import static org.neurosweep.jobs.sparse.SparseColumns.EPS;
import static org.neurosweep.jobs.sparse.SparseColumns.EXPERT_ID;
import static org.neurosweep.jobs.sparse.SparseColumns.FORMATTING;
import static org.neurosweep.jobs.sparse.SparseColumns.INSTRUCTION_SET;
import static org.neurosweep.jobs.sparse.SparseColumns.KIND;
import static org.neurosweep.jobs.sparse.SparseColumns.LAYER;
import static org.neurosweep.jobs.sparse.SparseColumns.LEVEL;
import static org.neurosweep.jobs.sparse.SparseColumns.MODEL;
import static org.neurosweep.jobs.sparse.SparseColumns.NEURON;
import static org.neurosweep.jobs.sparse.SparseColumns.N_TOKENS;
import static org.neurosweep.jobs.sparse.SparseColumns.SOURCE;

/**
 * {@code sparse-components}: SPARCOM's instruction-specific neurons (ISNs) and experts (ISEs) (docs/methods/sparcom.md,
 * docs/methods/sparcom.md). A unit prefills one model on one slice of an instruction file and counts, per
 * instruction and per (category, source) pool, how often every FFN neuron is active and every expert routed; it
 * writes the instructions, the counts (category level dense, instruction level only the top-ε neurons) and each
 * instruction's top-ε component sets. Once every unit is committed, the driver pools the category counts over the
 * units and computes the category sets and their generality, uniqueness, overlaps, layer profiles and AI-vs-human
 * agreement ({@link SparseComponentsSummary}).
 */
public final class SparseComponentsJob implements MapJob, NeedsDataset, SupportsSummary, SupportsHeadlines, SupportsReport {

    static final String NAME = "sparse-components";
    static final String INSTRUCTIONS = "p2_instructions";
    static final String NEURON_FREQ = "p2_neuron_freq";
    static final String EXPERT_FREQ = "p2_expert_freq";
    static final String COMPONENTS = "p2_components";
    static final String MEMBERSHIP = "p2_membership";
    static final String OVERLAP = "p2_overlap";
    static final String GEN_UNIQ = "p2_gen_uniq";
    static final String LAYER_DIST = "p2_layer_dist";
    static final String SOURCE_CHECK = "p2_source_check";
    static final String ABLATION_TABLE_NAME = "p2_ablation";

    static final TableSchema INSTRUCTION_TABLE = TableSchema.of(INSTRUCTIONS,
            "one row per instruction a unit fed to its model; example_id = the record's id",
            CATEGORY, SOURCE,
            Column.optional("origin_dataset", ColumnType.STRING, "the record's origin_dataset (HexaInst), else null"),
            Column.required("text", ColumnType.STRING, "the text fed, after formatting"),
            Column.required("n_tokens", ColumnType.INT, "its tokens (no special tokens added; after max-tokens)"),
            FORMATTING);

    static final TableSchema NEURON_TABLE = TableSchema.of(NEURON_FREQ,
            "activation counts of FFN neurons: category level one row per (category, source) pool of the unit and "
                    + "neuron (dense); instruction level only the neurons in the instruction's top-ε set for the largest "
                    + "ε. Pool units with sum(active_count) / sum(n_tokens)",
            LEVEL, CATEGORY, SOURCE, LAYER, EXPERT_ID, NEURON,
            Column.required("active_count", ColumnType.LONG, "tokens on which the neuron was active (for a routed "
                    + "expert's neuron: only tokens routed to the expert can count)"),
            N_TOKENS,
            Column.required("freq", ColumnType.DOUBLE, "active_count / n_tokens"),
            Column.optional("routed_count", ColumnType.LONG, "expert neurons: tokens routed to the expert (n_tokens for "
                    + "the shared expert); null for dense neurons"),
            Column.optional("cond_freq", ColumnType.DOUBLE, "expert neurons: active_count / routed_count (null when the "
                    + "expert got no token, and for dense neurons)"),
            FORMATTING, CRITERION);

    static final TableSchema EXPERT_TABLE = TableSchema.of(EXPERT_FREQ,
            "MoE models: routing counts per pool or instruction and expert (every routed expert, and the shared "
                    + "expert as expert_id -2); no rows for a dense model",
            LEVEL, CATEGORY, SOURCE, LAYER, EXPERT_ID,
            Column.required("routed_count", ColumnType.LONG, "tokens whose top-k held the expert (shared: every token)"),
            N_TOKENS,
            Column.required("freq", ColumnType.DOUBLE, "routed_count / n_tokens"),
            Column.optional("mean_gate_weight", ColumnType.DOUBLE, "the mean routing weight applied to the expert's "
                    + "output over its tokens (shared: the mean sigmoid gate); null when it got none"),
            FORMATTING);

    static final TableSchema COMPONENT_TABLE = TableSchema.of(COMPONENTS,
            "the top-ε component sets: instruction level written by the units (S(I)), category level by the summary "
                    + "(S_c, from the pooled counts); one row per member",
            MODEL, INSTRUCTION_SET, LEVEL, CATEGORY, SOURCE, EPS, KIND, LAYER, EXPERT_ID,
            Column.optional("neuron", ColumnType.INT, "ISN: the neuron; null for an ISE"),
            Column.required("count", ColumnType.LONG, "ISN: active_count; ISE: routed_count"),
            N_TOKENS,
            Column.required("freq", ColumnType.DOUBLE, "count / n_tokens"),
            Column.required("threshold", ColumnType.DOUBLE, "the set's frequency threshold τ_ε: the k-th largest "
                    + "frequency, k = ceil(ε N), at least one count; every member has freq >= threshold"),
            Column.required("set_size", ColumnType.INT, "members of the set (ties at the threshold make it exceed k)"),
            FORMATTING, CRITERION);

    static final TableSchema MEMBERSHIP_TABLE = TableSchema.of(MEMBERSHIP,
            "driver summary: one row per component in the union of the category sets, per ε and kind",
            MODEL, INSTRUCTION_SET, FORMATTING, CRITERION, EPS, KIND, LAYER, EXPERT_ID,
            Column.optional("neuron", ColumnType.INT, "ISN: the neuron; null for an ISE"),
            Column.required("m_count", ColumnType.INT, "in how many category sets the component is"),
            Column.required("categories_bitmask", ColumnType.LONG, "bit i set: in the set of the i-th category in name order"),
            Column.required("categories", ColumnType.STRING_ARRAY, "those categories' names"));

    static final TableSchema OVERLAP_TABLE = TableSchema.of(OVERLAP,
            "driver summary: one row per ordered pair of distinct categories, per ε and kind",
            MODEL, INSTRUCTION_SET, FORMATTING, CRITERION, EPS, KIND,
            Column.required("cat_a", ColumnType.STRING, "first category"),
            Column.required("cat_b", ColumnType.STRING, "second category"),
            Column.required("n_a", ColumnType.INT, "|S_a|"),
            Column.required("n_b", ColumnType.INT, "|S_b|"),
            Column.required("n_inter", ColumnType.INT, "|S_a ∩ S_b|"),
            Column.optional("jaccard", ColumnType.DOUBLE, "|S_a ∩ S_b| / |S_a ∪ S_b|; null when both are empty"),
            Column.optional("frac_of_a", ColumnType.DOUBLE, "|S_a ∩ S_b| / |S_a|; null when S_a is empty"));

    static final TableSchema GEN_UNIQ_TABLE = TableSchema.of(GEN_UNIQ,
            "driver summary: per ε and kind, one row per category and one for ALL",
            MODEL, INSTRUCTION_SET, FORMATTING, CRITERION, EPS, KIND,
            Column.required("category", ColumnType.STRING, "the category, or ALL"),
            Column.required("n_set", ColumnType.INT, "|S_c|; ALL: |∪ S_c|"),
            Column.required("n_general", ColumnType.INT, "|S_c ∩ G| with G the components in every category's set; "
                    + "ALL: |G|"),
            Column.required("n_unique", ColumnType.INT, "|U_c|, the members of S_c in no other set; ALL: Σ |U_c|"),
            Column.optional("generality_ratio", ColumnType.DOUBLE, "n_general / n_set; null for an empty set"),
            Column.optional("uniqueness_ratio", ColumnType.DOUBLE, "n_unique / n_set; null for an empty set"),
            Column.optional("instruction_coverage", ColumnType.DOUBLE, "mean over x in S_c of the fraction of c's "
                    + "instructions I with x in S(I) (instruction-level generality); null for ALL or an empty set"),
            Column.optional("membership_histogram", ColumnType.INT_ARRAY, "ALL: [k-1] = components in exactly k "
                    + "category sets; null for a category"));

    static final TableSchema LAYER_DIST_TABLE = TableSchema.of(LAYER_DIST,
            "driver summary: per ε, kind and category, one row per layer",
            MODEL, INSTRUCTION_SET, FORMATTING, CRITERION, EPS, KIND, CATEGORY, LAYER,
            Column.required("n_components", ColumnType.INT, "members of S_c in the layer"),
            Column.required("n_units_in_layer", ColumnType.INT, "ISN: FFN neurons of the layer (all experts and the "
                    + "shared one); ISE: routed experts of the layer"),
            Column.required("frac", ColumnType.DOUBLE, "n_components / n_units_in_layer"));

    static final TableSchema SOURCE_CHECK_TABLE = TableSchema.of(SOURCE_CHECK,
            "driver summary: per ε, kind and category, S_c built from the AI-generated and from the human-curated "
                    + "instructions alone; no rows when the data has no source field",
            MODEL, INSTRUCTION_SET, FORMATTING, CRITERION, EPS, KIND, CATEGORY,
            Column.required("n_ai", ColumnType.INT, "|S_c| from the ai instructions"),
            Column.required("n_human", ColumnType.INT, "|S_c| from the human instructions"),
            Column.required("n_inter", ColumnType.INT, "their intersection"),
            Column.optional("jaccard_ai_vs_human", ColumnType.DOUBLE, "Jaccard of the two sets; null when both are empty"));

    static final TableSchema ABLATION_TABLE = TableSchema.of(ABLATION_TABLE_NAME,
            "parameter ablation: per category of the unit, ε and target, the reference outputs scored under teacher "
                    + "forcing with a component set switched off; prompt = the formatted text ending in a newline",
            CATEGORY,
            Column.optional("eps", ColumnType.DOUBLE, "the ε of the set switched off; null for target none"),
            Column.required("target", ColumnType.STRING, "none | ISN (the category's neurons zeroed) | random_ISN (as many "
                    + "random neurons per FFN block) | ISE (the category's experts dropped, no renormalisation) | "
                    + "random_ISE (as many random experts per layer)"),
            Column.required("n_components", ColumnType.INT, "components switched off"),
            Column.required("n_items", ColumnType.INT, "instructions of the category with a reference output"),
            Column.required("metric", ColumnType.STRING, "logprob_ref (mean summed log-probability of the reference, "
                    + "nats) | greedy_match (fraction whose every reference token is the argmax)"),
            Column.required("value", ColumnType.DOUBLE, "the metric"),
            Column.optional("drop", ColumnType.DOUBLE, "value − the value of target none; null for none"),
            FORMATTING, CRITERION);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "SPARCOM: instruction-specific neurons and experts, their generality and uniqueness (prefill counts, top-ε sets)";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(INSTRUCTION_TABLE, NEURON_TABLE, EXPERT_TABLE, COMPONENT_TABLE, MEMBERSHIP_TABLE, OVERLAP_TABLE,
                GEN_UNIQ_TABLE, LAYER_DIST_TABLE, SOURCE_CHECK_TABLE, ABLATION_TABLE);
    }

    @Override
    public List<ParamSpec> params() {
        List<ParamSpec> specs = new ArrayList<>(SparseParams.specs());
        specs.add(ParamSpec.of(CausalCheck.ABLATION, ParamType.BOOLEAN, false,
                "also the causal check: each category's sets (per ε) and random sets of the same size switched off "
                        + "while the reference outputs are scored (p2_ablation)"));
        return specs;
    }

    @Override
    public Planner planner() {
        return SparseParams.validating(NAME, Planner.grid());
    }

    @Override
    public Set<String> formats() {
        return Set.of("instructions");
    }

    @Override
    public KernelFactory kernels() {
        return new SparseComponentsKernel.Factory();
    }

    @Override
    public void summarize(TableReader tables, RowSink out) {
        new SparseComponentsSummary(tables, out).write();
    }

    @Override
    public List<String> headlines(TableReader tables) {
        return SparseHeadlines.categorySets(tables);
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return SparseFigures.components(tables);
    }
}
