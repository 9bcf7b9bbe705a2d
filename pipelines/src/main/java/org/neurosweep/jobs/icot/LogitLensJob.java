package org.neurosweep.jobs.icot;

import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.report.Aggregation;
import org.neurosweep.report.Chart;
import org.neurosweep.report.SupportsReport;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.jobs.JobTables;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Layer-wise decoding with the logit lens (docs/methods/internal-cot.md §5) on the composite few-shot prompts, or on
 * factual probes in the mLAMA layout (task = relation, target y_t = the object's first token; {@link LensPrompts}):
 * per prompt, layer, component and position of interest, the rank and probability of the y_t, t1 and t2 first tokens
 * and the top-k decoded tokens; per layer, top-1 accuracy and MRR. The projection divides by the final layer's RMS s*
 * ({@code final_scale}); {@code per_layer_norm} is the flagged common variant. Dense and MoE models alike.
 */
public final class LogitLensJob extends CompositePromptJob implements SupportsHeadlines, SupportsReport {

    static final String DECODING_TABLE = "p3_decoding";
    static final String TARGETS_TABLE = "p3_lens_targets";
    static final String TOPK_TABLE = "p3_lens_topk";

    static final String NORMS = "norms";
    static final String COMPONENTS = "components";
    static final String POSITIONS = "positions";
    static final String TOP_K = "top-k";
    static final String PER_EXAMPLE = "per-example";

    private static final Column NORM = Column.required("norm", ColumnType.STRING,
            "final_scale: r / s* with s* the RMS of the final residual at that position (the papers' lens); "
                    + "per_layer_norm: the final RMSNorm applied to r itself");
    private static final Column COMPONENT = Column.required("component", ColumnType.STRING,
            "the projected vector: resid_post (block output h_{l+1}), attn_out or mlp_out (sublayer outputs)");
    private static final Column POSITION = Column.required("position", ColumnType.INT,
            "position of interest counted from the prompt's end: -1 = the last token t*");
    private static final Column LAYER = Column.required("layer", ColumnType.INT, "0-based layer l");

    private static final TableSchema DECODING = new TableSchema(DECODING_TABLE,
            "lens accuracy and MRR per task, seed, norm, component, position and layer",
            JobTables.concat(List.of(IcotColumns.TASK, IcotColumns.SEED, IcotColumns.SHOTS, NORM, COMPONENT, POSITION, LAYER),
                    IcotColumns.scores("under the lens (top-1 of the projected distribution)")));

    private static final TableSchema TARGETS = new TableSchema(TARGETS_TABLE,
            "per prompt, norm, component, position, layer and target: the target token's rank and probability",
            List.of(IcotColumns.TASK, IcotColumns.SEED, IcotColumns.SHOTS, IcotColumns.PROMPT_ID, NORM, COMPONENT, POSITION, LAYER,
                    Column.required("target", ColumnType.STRING, "yt, t1 or t2"),
                    Column.required("token", ColumnType.INT, "first token of ' ' + the target answer"),
                    Column.required("token_text", ColumnType.STRING, "its decoded string"),
                    Column.required("rank", ColumnType.INT, "1 + vocabulary entries with a strictly larger probability"),
                    Column.required("prob", ColumnType.DOUBLE, "its probability under the lens"),
                    Column.required("log_prob", ColumnType.DOUBLE, "its log-probability under the lens (fp64 log-sum-exp)")));

    private static final TableSchema TOPK = new TableSchema(TOPK_TABLE,
            "per prompt, norm, component, position and layer: the top-k decoded tokens",
            List.of(IcotColumns.TASK, IcotColumns.SEED, IcotColumns.SHOTS, IcotColumns.PROMPT_ID, NORM, COMPONENT, POSITION, LAYER,
                    Column.required("top_tokens", ColumnType.INT_ARRAY, "the k most probable token ids, most probable first"),
                    Column.required("top_texts", ColumnType.STRING_ARRAY, "their decoded strings"),
                    Column.required("top_probs", ColumnType.FLOAT_ARRAY, "their probabilities")));

    @Override
    public String name() {
        return "logit-lens";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "logit lens on composite few-shot prompts or factual probes (mlama): per layer, rank and probability of y_t, t1, t2 and the top-k tokens";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(DECODING, TARGETS, TOPK);
    }

    @Override
    List<ParamSpec> ownParams() {
        return List.of(
                ParamSpec.oneOf(NORMS, ParamType.STRING_LIST, List.of("final_scale"), List.of("final_scale", "per_layer_norm"),
                        "lens normalisations: final_scale (the papers'), per_layer_norm (flagged variant)"),
                ParamSpec.oneOf(COMPONENTS, ParamType.STRING_LIST, List.of("resid_post"),
                        List.of("resid_post", "attn_out", "mlp_out"),
                        "projected vectors per layer: resid_post, attn_out, mlp_out (the paper's 'both' = attn_out and mlp_out)"),
                ParamSpec.of(POSITIONS, ParamType.INT_LIST, List.of(-1),
                        "positions of interest counted from the prompt's end (-1 = the last token)"),
                ParamSpec.of(TOP_K, ParamType.INT, 10, "decoded tokens per reading in p3_lens_topk"),
                ParamSpec.of(PER_EXAMPLE, ParamType.BOOLEAN, true,
                        "write the per-prompt tables p3_lens_targets and p3_lens_topk (p3_decoding is always written)"));
    }

    /** The composite formats and {@code mlama} (factual probes, {@link LensPrompts}). */
    @Override
    public Set<String> formats() {
        Set<String> formats = new TreeSet<>(super.formats());
        formats.add(LensPrompts.MLAMA);
        return formats;
    }

    @Override
    public KernelFactory kernels() {
        return new LogitLensKernel.Factory();
    }

    /** The papers' lens rows: block outputs (resid_post) at the last position (t*), with the final norm's scale. */
    static final Aggregation.Filter PAPERS_LENS = r -> "resid_post".equals(r.get("component"))
            && Integer.valueOf(-1).equals(r.get("position")) && "final_scale".equals(r.get("norm"));

    /** Per model: the mean y_t and t1 MRR of resid_post at t* (papers' lens) as curves over layers. */
    @Override
    public List<String> headlines(TableReader tables) {
        List<String> out = new ArrayList<>();
        for (String target : List.of("yt", "t1")) {
            out.addAll(Curves.meanCurves(tables, DECODING_TABLE, PAPERS_LENS, "layer", "mrr_" + target,
                    "lens MRR " + target + " at layers 0..L-1 ="));
        }
        return out;
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return IcotFigures.lens(tables);
    }
}
