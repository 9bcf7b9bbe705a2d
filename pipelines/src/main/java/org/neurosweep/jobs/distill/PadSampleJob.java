package org.neurosweep.jobs.distill;

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
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.report.Chart;
import org.neurosweep.report.SupportsReport;

/**
 * {@code pad-sample}, PAD step 1 as map units (docs/methods/pad-distill.md): per (student, prompt slice) the student
 * samples {@code samples} responses per training prompt and diversity selection keeps n. Its committed
 * {@code pad_samples} feeds {@code pad-score} and {@code pad-distill} (params {@code samples-from}).
 */
public final class PadSampleJob implements MapJob, NeedsDataset, SupportsHeadlines, SupportsReport {

    static final String SAMPLES = "pad_samples";

    private static final TableSchema SAMPLES_TABLE = TableSchema.of(SAMPLES,
            "every response the student sampled (example_id = the prompt's id) and whether diversity selection kept it",
            Column.required("sample_seed", ColumnType.INT, "the sample's seed index 0..samples−1"),
            Column.required("temperature", ColumnType.DOUBLE, "sampling temperature"),
            Column.required("top_p", ColumnType.DOUBLE, "nucleus mass"),
            Column.optional("response_idx", ColumnType.INT, "its index among the selected responses (the order chosen); null when not selected"),
            Column.required("text", ColumnType.STRING, "the response decoded, without the end-of-text token"),
            Column.required("n_tokens", ColumnType.INT, "generated tokens, the end-of-text token included when it ended the sample"),
            Column.required("selected", ColumnType.BOOLEAN, "kept by the greedy max–min Levenshtein selection"),
            Column.optional("min_edit_distance_to_selected", ColumnType.INT, "Levenshtein distance to the closest response selected before it (for an unselected one: to the final selection); null for sample 0"),
            Column.required("prompt_kept", ColumnType.BOOLEAN, "whether the prompt's selected responses were pairwise distinct (else the prompt is dropped)"),
            Column.required("tokens", ColumnType.INT_ARRAY, "the response's token ids as generated (the end-of-text token included when it ended the sample): what pad-score and pad-distill read"));

    @Override
    public String name() {
        return "pad-sample";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "PAD step 1: student samples per training prompt, diversity selection of n (feeds pad-score, pad-distill)";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(SAMPLES_TABLE);
    }

    @Override
    public List<ParamSpec> params() {
        List<ParamSpec> specs = new ArrayList<>(PadParams.sampling());
        specs.add(ParamSpec.of(DistillParams.SEED, ParamType.LONG, 42L, "sample s of every prompt is drawn from seed + s"));
        return specs;
    }

    @Override
    public Planner planner() {
        return spec -> {
            spec.grid().forEach(p -> PadParams.validateSampling(name(), p));
            return Planner.grid().plan(spec);
        };
    }

    @Override
    public Set<String> formats() {
        return Set.of(DistillCorpus.FORMAT);
    }

    @Override
    public KernelFactory kernels() {
        return new PadSampleKernel.Factory();
    }

    /** Per student: prompts sampled, and how many kept (their selected responses pairwise distinct). */
    @Override
    public List<String> headlines(TableReader tables) {
        return DistillParams.perModelHeadlines(tables, SAMPLES, "prompt_kept", "n_tokens",
                "%s: %d prompts sampled, %d with distinct selections; %.1f tokens per sample");
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return DistillFigures.padSamples(tables);
    }
}
