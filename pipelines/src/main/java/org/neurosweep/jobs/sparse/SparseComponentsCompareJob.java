package org.neurosweep.jobs.sparse;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.DatasetSlice;
import org.neurosweep.job.JobSpec;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.ModelRef;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.Params;
import org.neurosweep.job.Planner;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.report.Chart;
import org.neurosweep.report.SupportsReport;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.sweep.SweepConfigException;

import static org.neurosweep.jobs.sparse.SparseColumns.CATEGORY;
import static org.neurosweep.jobs.sparse.SparseColumns.CRITERION;
import static org.neurosweep.jobs.sparse.SparseColumns.EPS;
import static org.neurosweep.jobs.sparse.SparseColumns.EXPERT_ID;
import static org.neurosweep.jobs.sparse.SparseColumns.FORMATTING;
import static org.neurosweep.jobs.sparse.SparseColumns.KIND;
import static org.neurosweep.jobs.sparse.SparseColumns.LAYER;

/**
 * {@code sparse-components-compare}: SPARCOM Stage 3, how instruction tuning moved the components (docs/methods/sparcom.md,
 * docs/methods/sparcom.md). A unit pairs a base model (role {@code base}: the entry's {@code models}) with its tuned
 * version (role {@code tuned}: the {@code tuned} parameter, aligned by position), feeds both the same texts with the
 * same tokenizer, and compares their category sets per ε and kind, whole and per layer, with the Spearman correlation
 * of the frequency vectors; for MoE models also the layer × expert routing-frequency shift. Sets are those of the
 * unit's slice (use one shard to compare whole categories).
 */
public final class SparseComponentsCompareJob implements MapJob, NeedsDataset, SupportsHeadlines, SupportsReport {

    static final String NAME = "sparse-components-compare";
    static final String BASE = "base";
    static final String TUNED = "tuned";
    static final String BASE_VS_FT = "p2_base_vs_ft";
    static final String EXPERT_SHIFT = "p2_expert_shift";

    private static final Column BASE_MODEL = Column.required("base_model", ColumnType.STRING, "the base model (model_id)");
    private static final Column TUNED_MODEL = Column.required("tuned_model", ColumnType.STRING, "the tuned model");

    static final TableSchema BASE_VS_FT_TABLE = TableSchema.of(BASE_VS_FT,
            "per category, ε, kind and layer (null = all layers): the base model's S^B against the tuned model's S^F",
            BASE_MODEL, TUNED_MODEL, CATEGORY, EPS, KIND,
            Column.optional("layer", ColumnType.INT, "the layer the sets are restricted to; null for the whole model"),
            Column.required("n_base", ColumnType.INT, "|S^B|"),
            Column.required("n_ft", ColumnType.INT, "|S^F|"),
            Column.required("n_inter", ColumnType.INT, "|S^B ∩ S^F|"),
            Column.optional("jaccard", ColumnType.DOUBLE, "|S^B ∩ S^F| / |S^B ∪ S^F|; null when both are empty"),
            Column.required("n_added", ColumnType.INT, "|S^F \\ S^B|"),
            Column.required("n_removed", ColumnType.INT, "|S^B \\ S^F|"),
            Column.optional("spearman_freq", ColumnType.DOUBLE, "Spearman ρ (average ranks) of the two models' "
                    + "frequencies over every component of the kind (and layer); null when one is constant"),
            FORMATTING, CRITERION);

    static final TableSchema EXPERT_SHIFT_TABLE = TableSchema.of(EXPERT_SHIFT,
            "MoE models: the layer x expert heatmap of routing-frequency shifts, per category and for ALL categories pooled",
            BASE_MODEL, TUNED_MODEL, CATEGORY, LAYER, EXPERT_ID,
            Column.required("freq_base", ColumnType.DOUBLE, "f^B: tokens routed to the expert / tokens, base model"),
            Column.required("freq_ft", ColumnType.DOUBLE, "f^F, tuned model"),
            Column.required("delta_freq", ColumnType.DOUBLE, "Δf = f^F − f^B"),
            FORMATTING);

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
        return "SPARCOM base vs instruction-tuned: overlap, added/removed components, Spearman, expert routing shift";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(BASE_VS_FT_TABLE, EXPERT_SHIFT_TABLE);
    }

    @Override
    public List<ParamSpec> params() {
        List<ParamSpec> specs = new ArrayList<>(SparseParams.specs());
        specs.add(ParamSpec.of(TUNED, ParamType.STRING_LIST, null,
                "the tuned model of each base model of the entry's models, in the same order (names of the sweep's models)"));
        return specs;
    }

    @Override
    public Set<String> formats() {
        return Set.of("instructions");
    }

    @Override
    public Planner planner() {
        return SparseParams.validating(NAME, this::pairs);
    }

    // one unit per (base, tuned) pair x slice x parameter point
    private List<WorkUnit> pairs(JobSpec spec) {
        List<WorkUnit> units = new ArrayList<>();
        for (Params point : spec.grid()) {
            List<String> tuned = point.getStringList(TUNED);
            if (tuned.size() != spec.models().size()) {
                throw new SweepConfigException("job " + NAME + ": params.tuned names " + tuned.size() + " model(s) for "
                        + spec.models().size() + " base model(s); give one tuned model per base model, in order");
            }
            for (int i = 0; i < tuned.size(); i++) {
                ModelRef base = spec.models().get(i);
                ModelRef partner = tunedModel(spec, tuned.get(i));
                checkSameArchitecture(base, partner);
                Map<String, ModelRef> roles = new LinkedHashMap<>();
                roles.put(BASE, base);
                roles.put(TUNED, partner);
                for (DatasetSlice slice : spec.slices()) {
                    units.add(WorkUnit.of(this, roles, slice, point, -1));
                }
            }
        }
        return units;
    }

    private static ModelRef tunedModel(JobSpec spec, String name) {
        List<ModelRef> refs = spec.catalog().get(name);
        if (refs == null || refs.size() != 1) {
            throw new SweepConfigException("job " + NAME + ": params.tuned: '" + name + "' is "
                    + (refs == null ? "not a model of the sweep" : "a checkpoint series; name a single model"));
        }
        return refs.get(0);
    }

    /** The two FFN layouts must be the same (checked here for local folders; the kernel checks every pair). */
    private static void checkSameArchitecture(ModelRef base, ModelRef tuned) {
        Path b = localConfig(base);
        Path t = localConfig(tuned);
        if (b != null && t != null) {
            String problem = SparseComponentsCompareKernel.architectureMismatch(ModelConfig.read(b), ModelConfig.read(t));
            if (problem != null) {
                throw new SweepConfigException("job " + NAME + ": " + base.id() + " and " + tuned.id() + " " + problem);
            }
        }
    }

    private static Path localConfig(ModelRef ref) {
        URI uri = URI.create(ref.uri());
        Path config = uri.getScheme() == null ? Path.of(ref.uri()).resolve("config.json")
                : "file".equals(uri.getScheme()) ? Path.of(uri).resolve("config.json") : null;
        return config != null && Files.isRegularFile(config) ? config : null;
    }

    @Override
    public KernelFactory kernels() {
        return new SparseComponentsCompareKernel.Factory();
    }

    @Override
    public List<String> headlines(TableReader tables) {
        return SparseHeadlines.baseVsTuned(tables);
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return SparseFigures.comparison(tables);
    }
}
