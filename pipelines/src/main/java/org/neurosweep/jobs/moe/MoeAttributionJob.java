package org.neurosweep.jobs.moe;

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
import org.neurosweep.job.RowSink;
import org.neurosweep.job.SupportsCheckpointSeries;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.report.Chart;
import org.neurosweep.report.SupportsReport;
import org.neurosweep.job.SupportsSummary;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.report.ReportQueries;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

/**
 * {@code moe-attribution} (docs/methods/moe-attribution.md steps 1–6): per sample, the log-probability increase of every
 * attention layer, FFN/MoE block, head, routed expert, shared expert and the top-N neurons at the last prompt
 * position, and the real output's rank of the gold target; a driver summary with FFNGain, AttnGain, the peak gain
 * position, the per-layer efficiency η, stage shares and each task's expert ranking. MoE and dense models alike.
 */
public final class MoeAttributionJob implements MapJob, NeedsDataset, SupportsCheckpointSeries, SupportsSummary,
        SupportsHeadlines, SupportsReport {

    static final String SAMPLES = "p1_samples";
    static final String EVAL = "p1_eval";
    static final String LAYER_LPI = "p1_layer_lpi";
    static final String HEAD_LPI = "p1_head_lpi";
    static final String EXPERT_LPI = "p1_expert_lpi";
    static final String NEURON_LPI = "p1_neuron_lpi";
    static final String MODEL_SUMMARY = "p1_model_summary";
    static final String STAGE_SHARE = "p1_stage_share";
    static final String EXPERT_RANK = "p1_expert_rank";
    static final String HEAD_EXPERT_CORR = "p1_head_expert_corr";

    static final String TOP_NEURONS = "top-neurons";
    static final String STAGE_BOUNDS = "stage-bounds";
    static final String LANGUAGES = "languages";
    static final String TASKS = "tasks";
    static final String PROJECTION_ROWS = "projection-rows";

    /** Dataset formats: an mLAMA folder, or LRE-style JSONL lines {subject, object, template[, task, id]}. */
    static final String MLAMA = "mlama";
    static final String RELATIONS = "relation-jsonl";

    private static final Column LPI = Column.required("lpi", ColumnType.DOUBLE,
            "log P(w | r + c) - log P(w | r) under the fixed-scale projection (s* of the sample's h_L)");

    static final TableSchema SAMPLES_TABLE = new TableSchema(SAMPLES, "one row per attributed sample: prompt and target",
            List.of(P1Columns.TASK, P1Columns.LANGUAGE, P1Columns.SAMPLE_ID,
                    Column.required("subject", ColumnType.STRING, "the subject filled into the template"),
                    Column.required("object", ColumnType.STRING, "the gold object"),
                    Column.required("template", ColumnType.STRING, "the template as stored ([X]/[Y] or {} slots)"),
                    Column.required("prompt", ColumnType.STRING, "the filled template up to the object, trailing spaces removed"),
                    Column.required("target_token_id", ColumnType.INT, "w: the first token of ' ' + object"),
                    Column.required("target_str", ColumnType.STRING, "w decoded"),
                    Column.required("prompt_len", ColumnType.INT, "prompt tokens")));

    static final TableSchema EVAL_TABLE = new TableSchema(EVAL,
            "the gold target's rank in the real output distribution at t*, per sample and condition",
            List.of(P1Columns.TASK, P1Columns.LANGUAGE, P1Columns.SAMPLE_ID,
                    Column.required("condition", ColumnType.STRING,
                            "original (clean forward); block, ablate_config: the expert-blocking job's interventions"),
                    Column.optional("mode", ColumnType.STRING, "intervention mode (failure, reroute, config name); null for original"),
                    Column.optional("k", ColumnType.INT, "experts blocked; null for original"),
                    Column.required("rank", ColumnType.INT, "1 + vocabulary entries with a strictly larger logit"),
                    Column.required("rr", ColumnType.DOUBLE, "1 / rank"),
                    Column.required("hit10", ColumnType.BOOLEAN, "rank <= 10"),
                    Column.required("p_target", ColumnType.DOUBLE, "the target's probability"),
                    Column.required("predicted_token_id", ColumnType.INT, "the model's top-1 token")));

    static final TableSchema LAYER_TABLE = new TableSchema(LAYER_LPI,
            "per sample, layer and sublayer: the LPI of a_l on h_l (attn) or of f_l on u_l (ffn)",
            List.of(P1Columns.TASK, P1Columns.SAMPLE_ID, P1Columns.LAYER,
                    Column.required("sublayer", ColumnType.STRING, "attn or ffn (the dense FFN or the whole MoE block)"),
                    Column.required("stage", ColumnType.STRING, "the layer's stage under the unit's stage-bounds"),
                    LPI,
                    Column.required("logp_base", ColumnType.DOUBLE, "log P(w | r), r = h_l (attn) or u_l (ffn)"),
                    Column.required("logp_after", ColumnType.DOUBLE, "log P(w | r + c)"),
                    P1Columns.LPI_PRED));

    static final TableSchema HEAD_TABLE = new TableSchema(HEAD_LPI, "per sample, layer and head: the LPI of a_{l,h} on h_l",
            List.of(P1Columns.TASK, P1Columns.SAMPLE_ID, P1Columns.LAYER,
                    Column.required("head", ColumnType.INT, "query head h; a_{l,h} excludes the o_proj bias"),
                    LPI, P1Columns.LPI_PRED));

    static final TableSchema EXPERT_TABLE = new TableSchema(EXPERT_LPI,
            "per sample and MoE layer: every routed expert (scored when selected) and the shared expert, c = gate * E(x) on u_l",
            List.of(P1Columns.TASK, P1Columns.SAMPLE_ID, P1Columns.LAYER, P1Columns.EXPERT_ID, P1Columns.EXPERT_TYPE,
                    Column.required("selected", ColumnType.BOOLEAN, "the expert is among the token's top-k (always true for shared)"),
                    Column.optional("gate_weight", ColumnType.DOUBLE,
                            "the weight applied in the forward: routing weight (renormalised for Mixtral) or the shared "
                                    + "expert's sigmoid gate; null when not selected"),
                    Column.optional("router_prob", ColumnType.DOUBLE, "the router's softmax probability; null for shared"),
                    Column.optional("lpi", ColumnType.DOUBLE, "the expert's LPI on u_l; null when not selected"),
                    P1Columns.LPI_PRED));

    static final TableSchema NEURON_TABLE = new TableSchema(NEURON_LPI,
            "per sample, the top-N neurons by LPI over dense FFNs, selected experts and the shared expert",
            List.of(P1Columns.TASK, P1Columns.SAMPLE_ID, P1Columns.LAYER, P1Columns.EXPERT_ID, P1Columns.EXPERT_TYPE,
                    Column.required("neuron_idx", ColumnType.INT, "k, the column of the (expert's) down projection"),
                    Column.required("coeff_m", ColumnType.DOUBLE, "m_k = act(G_k x) (U_k x), unweighted"),
                    Column.required("gate_weight", ColumnType.DOUBLE, "the gate applied to the neuron's expert (1 for dense)"),
                    Column.required("lpi", ColumnType.DOUBLE, "LPI of gate * m_k * D[:,k] on u_l"),
                    P1Columns.LPI_PRED,
                    Column.required("rank_in_sample", ColumnType.INT, "1 = the sample's largest neuron LPI")));

    static final TableSchema MODEL_SUMMARY_TABLE = new TableSchema(MODEL_SUMMARY,
            "summary: per model, report and task (and ALL tasks), the task metrics and the gain aggregates of step 5",
            List.of(P1Columns.MODEL,
                    Column.required("report", ColumnType.STRING, "all samples, or correct: those with rank 1 originally"),
                    Column.required("task", ColumnType.STRING, "a task, or ALL (every sample of the model)"),
                    Column.required("n_samples", ColumnType.INT, "samples in the group"),
                    Column.required("n_layers", ColumnType.INT, "L"),
                    P1Columns.HIT10, P1Columns.MRR,
                    Column.optional("ffn_gain", ColumnType.DOUBLE, "mean over samples of the sum over layers of LPI_ffn"),
                    Column.optional("attn_gain", ColumnType.DOUBLE, "mean over samples of the sum over layers of LPI_attn"),
                    Column.optional("peak_gain_pos", ColumnType.DOUBLE,
                            "mean over samples of (argmax_l LPI_ffn + 1) / L, a fraction (the paper prints it in %)"),
                    Column.optional("layer_eff", ColumnType.DOUBLE, "per-layer efficiency eta = ffn_gain / L")));

    static final TableSchema STAGE_SHARE_TABLE = new TableSchema(STAGE_SHARE,
            "summary: per model and report, each stage's share of the total FFN gain (summed over samples)",
            List.of(P1Columns.MODEL,
                    Column.required("report", ColumnType.STRING, "all or correct (see p1_model_summary)"),
                    Column.required("stage_name", ColumnType.STRING, "early/middle/late for three stages, else stage1.."),
                    Column.required("layer_from", ColumnType.INT, "first layer of the stage, 1-indexed as in the paper"),
                    Column.required("layer_to", ColumnType.INT, "last layer of the stage, 1-indexed, inclusive"),
                    Column.optional("share", ColumnType.DOUBLE, "signed: sum of the stage's LPI_ffn / sum of all LPI_ffn"),
                    Column.optional("positive_share", ColumnType.DOUBLE, "the same over max(0, LPI_ffn)")));

    static final TableSchema EXPERT_RANK_TABLE = new TableSchema(EXPERT_RANK,
            "summary: per model and task, routed (layer, expert) pairs ranked by their LPI summed over the samples that selected them",
            List.of(P1Columns.MODEL, P1Columns.TASK, P1Columns.LAYER,
                    Column.required("expert_id", ColumnType.INT, "the routed expert"),
                    Column.required("agg_lpi", ColumnType.DOUBLE, "I(l,e): sum of the expert's LPI over the samples that selected it"),
                    Column.required("n_selected", ColumnType.INT, "samples that selected it"),
                    Column.required("rank", ColumnType.INT, "1 = largest agg_lpi of the model and task (ties by layer, expert)")));

    static final TableSchema HEAD_EXPERT_CORR_TABLE = new TableSchema(HEAD_EXPERT_CORR,
            "summary: head-expert coupling of step 9 per MoE model, Pearson and Spearman with two-sided t-test p-values",
            List.of(P1Columns.MODEL,
                    Column.required("task", ColumnType.STRING, "a task, or ALL; the profile definition is over ALL only"),
                    Column.required("definition", ColumnType.STRING,
                            "pooled: over (sample, MoE layer) pairs, x = sum over heads of max(0, head LPI), y = sum over "
                                    + "selected routed experts of max(0, expert LPI); profile: over MoE layers, the mean "
                                    + "over samples of the attn LPI against that of the ffn (MoE block) LPI"),
                    Column.required("n", ColumnType.INT, "pairs correlated"),
                    Column.optional("pearson_r", ColumnType.DOUBLE, "Pearson r; null for fewer than 3 pairs or a constant series"),
                    Column.optional("pearson_p", ColumnType.DOUBLE, "two-sided p of r (t-test, n - 2 degrees of freedom)"),
                    Column.optional("spearman_r", ColumnType.DOUBLE, "Spearman rank correlation (ties share their mean rank)"),
                    Column.optional("spearman_p", ColumnType.DOUBLE, "two-sided p of the Spearman r (the same t approximation)")));

    @Override
    public String name() {
        return "moe-attribution";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "MoE cross-level knowledge attribution: LPI of layers, heads, routed/shared experts and top-N neurons; "
                + "FFN/attention gain, efficiency and stage shares";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(SAMPLES_TABLE, EVAL_TABLE, LAYER_TABLE, HEAD_TABLE, EXPERT_TABLE, NEURON_TABLE, MODEL_SUMMARY_TABLE,
                STAGE_SHARE_TABLE, EXPERT_RANK_TABLE, HEAD_EXPERT_CORR_TABLE);
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(
                ParamSpec.of(TOP_NEURONS, ParamType.INT, 300,
                        "neurons kept per sample in p1_neuron_lpi (all neurons are scored); 0 = no neuron level"),
                ParamSpec.of(STAGE_BOUNDS, ParamType.DOUBLE_LIST, List.of(0.5417, 0.7917),
                        "stage cuts as fractions of depth: stage i holds 1-indexed layers l with b[i-1]*L < l <= b[i]*L; "
                                + "the default is the paper's Qwen1.5-MoE split 1-13, 14-19, 20-24"),
                ParamSpec.of(LANGUAGES, ParamType.STRING_LIST, List.of(), "mlama datasets: languages to use; empty = all"),
                ParamSpec.of(TASKS, ParamType.STRING_LIST, List.of(),
                        "tasks to attribute (mLAMA template labels or relation ids, JSONL tasks); empty = all"),
                ParamSpec.of(PROJECTION_ROWS, ParamType.INT, 512,
                        "vectors projected per [rows, d] x [d, V] GEMM; bounds the (rows, V) logits in memory"));
    }

    @Override
    public Set<String> formats() {
        return Set.of(MLAMA, RELATIONS);
    }

    @Override
    public KernelFactory kernels() {
        return new MoeAttributionKernel.Factory();
    }

    @Override
    public void summarize(TableReader tables, RowSink out) {
        AttributionSummary.write(tables, out);
    }

    /** Per model: MRR, HIT@10, the gains, η and the stage shares over all samples. */
    @Override
    public List<String> headlines(TableReader tables) {
        List<String> out = new ArrayList<>();
        if (tables.rows(MODEL_SUMMARY) == 0) {
            return out;
        }
        // one row per model (and summary unit): (model, unit_id, n_samples, mrr, hit10, ffn_gain, attn_gain,
        // peak_gain_pos, layer_eff)
        for (Row r : ReportQueries.rows(tables, MODEL_SUMMARY, groupBy(col("model"), col("unit_id"))
                .where(x -> "all".equals(x.get("report")) && "ALL".equals(x.get("task"))).first("n_samples").first("mrr")
                .first("hit10").first("ffn_gain").first("attn_gain").first("peak_gain_pos").first("layer_eff"))) {
            out.add(String.format(Locale.ROOT, "%s: %d samples, MRR %s, HIT@10 %s, FFN gain %s, attn gain %s, "
                            + "peak %s, eta %s", r.getString(0), r.getInt(2), cell(r, 3), cell(r, 4), cell(r, 5), cell(r, 6),
                    cell(r, 7), cell(r, 8)));
        }
        // one row per model and stage: (model, layer_from, unit_id, stage_name, layer_to, share)
        for (Row r : ReportQueries.rows(tables, STAGE_SHARE, groupBy(col("model"), col("layer_from"), col("unit_id"))
                .where(x -> "all".equals(x.get("report"))).first("stage_name").first("layer_to").first("share"))) {
            out.add(String.format(Locale.ROOT, "%s stage %s (layers %d-%d): share of FFN gain %s",
                    r.getString(0), r.getString(3), r.getInt(1), r.getInt(4), cell(r, 5)));
        }
        return out;
    }

    private static String cell(Row r, int i) {
        return r.isNullAt(i) ? "-" : String.format(Locale.ROOT, "%.3f", r.getDouble(i));
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return MoeFigures.attribution(tables);
    }
}
