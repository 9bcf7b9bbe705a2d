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
import org.neurosweep.job.SupportsCheckpointSeries;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.report.Chart;
import org.neurosweep.report.SupportsReport;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.report.ReportQueries;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

/**
 * {@code expert-blocking} (docs/methods/moe-attribution.md steps 7–8): per task, the routed (layer, expert) pairs ranked by their
 * aggregated LPI are blocked k at a time in every layer ({@code failure}: weight 0, no renormalisation;
 * {@code reroute}: router logit −∞ before top-k) and the samples re-run; a control blocks k pairs drawn at random.
 * The shared-vs-routed configurations (Qwen2-MoE family) and step 9's causal checks (head inhibition, forced
 * routing, integrated gradients of the router logits) are modes of the same job. The ranking is read from a
 * committed moe-attribution run's p1_expert_rank, or computed in the unit at the expert level (no neurons).
 */
public final class ExpertBlockingJob implements MapJob, NeedsDataset, SupportsCheckpointSeries, SupportsHeadlines, SupportsReport {

    static final String EVAL = "p1_blocking_eval";
    static final String BLOCKING = "p1_blocking";
    static final String ABLATION = "p1_ablation";
    static final String CAUSAL = "p1_causal";
    static final String ROUTER_IG = "p1_router_ig";

    static final String K = "k";
    static final String MODES = "modes";
    static final String CONTROL_SEED = "control-seed";
    static final String RANKING = "ranking";
    static final String CONFIGS = "configs";
    static final String SELF = "self";
    static final String INHIBIT_HEADS = "inhibit-heads";
    static final String ROUTER_IG_STEPS = "router-ig-steps";

    private static final TableSchema EVAL_TABLE = new TableSchema(EVAL,
            "per sample and intervention: the gold target's rank in the real output at t*",
            List.of(P1Columns.TASK, P1Columns.LANGUAGE, P1Columns.SAMPLE_ID,
                    Column.required("condition", ColumnType.STRING,
                            "original, block (the top-k pairs), block_random (the control) or ablate_config"),
                    Column.optional("mode", ColumnType.STRING, "failure or reroute (block), the configuration (ablate_config)"),
                    Column.optional("k", ColumnType.INT, "pairs blocked (block, block_random)"),
                    Column.required("rank", ColumnType.INT, "1 + vocabulary entries with a strictly larger logit"),
                    Column.required("rr", ColumnType.DOUBLE, "1 / rank"),
                    Column.required("hit10", ColumnType.BOOLEAN, "rank <= 10"),
                    Column.required("predicted_token_id", ColumnType.INT, "the model's top-1 token")));

    private static final TableSchema BLOCKING_TABLE = new TableSchema(BLOCKING,
            "per task, selection, mode and k: MRR and HIT@10 with the pairs blocked against the original",
            List.of(P1Columns.TASK,
                    Column.required("selection", ColumnType.STRING, "top (by aggregated LPI) or random (the seeded control)"),
                    Column.required("mode", ColumnType.STRING, "failure or reroute"),
                    Column.required("k", ColumnType.INT, "pairs requested"),
                    Column.required("blocked", ColumnType.STRING_ARRAY, "the pairs blocked, layer:expert (fewer than k when the task has fewer)"),
                    Column.required("n_samples", ColumnType.INT, "samples of the task in the unit"),
                    Column.required("mrr_orig", ColumnType.DOUBLE, "MRR without intervention"),
                    Column.required("hit10_orig", ColumnType.DOUBLE, "HIT@10 without intervention"),
                    P1Columns.MRR, P1Columns.HIT10,
                    Column.optional("mrr_drop_pct", ColumnType.DOUBLE, "100 (mrr_orig - mrr) / mrr_orig; null when mrr_orig is 0"),
                    Column.optional("hit10_drop_pct", ColumnType.DOUBLE, "100 (hit10_orig - hit10) / hit10_orig; null when 0")));

    private static final TableSchema ABLATION_TABLE = new TableSchema(ABLATION,
            "per task and shared-vs-routed configuration: MRR and HIT@10",
            List.of(P1Columns.TASK,
                    Column.required("config", ColumnType.STRING, "top1, top2, shared, shared-top1, shared-top2 or default"),
                    Column.required("n_samples", ColumnType.INT, "samples of the task in the unit"),
                    P1Columns.HIT10, P1Columns.MRR));

    private static final TableSchema CAUSAL_TABLE = new TableSchema(CAUSAL,
            "per task: step 9's causal checks, head inhibition and forced routing (parameter inhibit-heads)",
            List.of(P1Columns.TASK,
                    Column.required("check", ColumnType.STRING, "head_inhibit, forced_routing or router_ig"),
                    Column.required("metric", ColumnType.STRING,
                            "head_inhibit: mrr_orig, mrr, mrr_change_pct, router_mass_orig, router_mass, "
                                    + "router_mass_change_pct; forced_routing: mrr, mrr_recovered_pct; router_ig: "
                                    + "top_heads_share_pct (the inhibited heads' share of sum |IG|, mean over selected "
                                    + "experts), completeness_gap (mean |sum IG - (logit - logit_baseline)|)"),
                    Column.optional("value", ColumnType.DOUBLE, "the metric; null when undefined (a zero denominator)"),
                    Column.required("heads", ColumnType.STRING_ARRAY, "the inhibited heads, layer:head")));

    private static final TableSchema ROUTER_IG_TABLE = new TableSchema(ROUTER_IG,
            "step 9 (iii): integrated gradients of each selected expert's router logit at t* with respect to the head "
                    + "outputs at t* (zero baseline), per sample, selected (layer, expert) and head of a layer <= layer",
            List.of(P1Columns.TASK, P1Columns.LANGUAGE, P1Columns.SAMPLE_ID,
                    Column.required("layer", ColumnType.INT, "the MoE layer of the router, 0-based"),
                    Column.required("expert", ColumnType.INT, "the expert selected at t*"),
                    Column.required("head_layer", ColumnType.INT, "the head's layer, <= layer"),
                    Column.required("head", ColumnType.INT, "the query head"),
                    Column.required("ig", ColumnType.DOUBLE, "the head's IG: sum over its o_proj-input features"),
                    Column.required("logit", ColumnType.DOUBLE, "the router logit with the heads as they are"),
                    Column.required("logit_baseline", ColumnType.DOUBLE,
                            "the router logit with every head output at t* zeroed; sum of ig ~ logit - logit_baseline"),
                    Column.required("steps", ColumnType.INT, "m, the Riemann points (right grid)")));

    @Override
    public String name() {
        return "expert-blocking";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "MoE expert blocking: MRR/HIT@10 with the top-k experts by aggregated LPI blocked (failure, reroute) "
                + "against a random control; shared-vs-routed configurations";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(EVAL_TABLE, BLOCKING_TABLE, ABLATION_TABLE, CAUSAL_TABLE, ROUTER_IG_TABLE);
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(
                ParamSpec.of(K, ParamType.INT_LIST, List.of(1, 5, 10), "numbers of (layer, expert) pairs to block"),
                ParamSpec.of(MODES, ParamType.STRING_LIST, List.of("failure", "reroute"),
                        "failure: weight 0, no renormalisation; reroute: router logit -inf before top-k"),
                ParamSpec.of(CONTROL_SEED, ParamType.INT, 0,
                        "seed of the random control (nested: the k = 1 draw is the first pair of the k = 5 draw)"),
                ParamSpec.of(RANKING, ParamType.STRING, SELF,
                        "self: rank the pairs from this unit's own expert LPIs (shards = 1 ranks whole tasks); or the "
                                + "folder of a committed p1_expert_rank (e.g. out/p1_expert_rank/run=R), rows of the "
                                + "unit's model (model_id or model_id@checkpoint)"),
                ParamSpec.of(CONFIGS, ParamType.STRING_LIST, List.of(),
                        "shared-vs-routed configurations to evaluate: top1, top2, shared, shared-top1, shared-top2, "
                                + "default; shared ones are skipped for models without a shared expert"),
                ParamSpec.of(INHIBIT_HEADS, ParamType.INT, 0,
                        "step 9's causal checks: zero the top k heads by aggregated head LPI (the paper's 10) and report "
                                + "the router mass on the originally selected experts and MRR, then force the original "
                                + "routing; 0 = off"),
                ParamSpec.of(ROUTER_IG_STEPS, ParamType.INT, 0,
                        "step 9's causal check (iii): integrated gradients of each selected expert's router logit with "
                                + "respect to the head outputs at t*, with this many steps (the spec's 20-50) batched in "
                                + "one forward/backward per sample; 0 = off"),
                ParamSpec.of(MoeAttributionJob.LANGUAGES, ParamType.STRING_LIST, List.of(),
                        "mlama datasets: languages to use; empty = all"),
                ParamSpec.of(MoeAttributionJob.TASKS, ParamType.STRING_LIST, List.of(), "tasks to use; empty = all"),
                ParamSpec.of(MoeAttributionJob.PROJECTION_ROWS, ParamType.INT, 512,
                        "ranking = self: vectors projected per GEMM"));
    }

    @Override
    public Set<String> formats() {
        return Set.of(MoeAttributionJob.MLAMA, MoeAttributionJob.RELATIONS);
    }

    @Override
    public KernelFactory kernels() {
        return new ExpertBlockingKernel.Factory();
    }

    /** Per model, task and mode: the MRR drop at each k, top pairs against the random control. */
    @Override
    public List<String> headlines(TableReader tables) {
        List<String> out = new ArrayList<>();
        // one row per unit, task, mode, k and selection: (model_id, task, mode, k, selection, unit_id, mrr_orig, mrr_drop_pct)
        List<Row> rows = ReportQueries.rows(tables, BLOCKING, groupBy(col("model_id"), col("task"), col("mode"), col(K),
                col("selection"), col("unit_id")).first("mrr_orig").first("mrr_drop_pct"));
        String key = null;
        StringBuilder line = null;
        for (Row r : rows) {
            String k = String.format(Locale.ROOT, "%s %s %s: MRR %.3f, drop %% at", r.getString(0), r.getString(1),
                    r.getString(2), r.getDouble(6));
            if (!k.equals(key)) {
                if (line != null) {
                    out.add(line.toString());
                }
                key = k;
                line = new StringBuilder(k);
            }
            line.append(String.format(Locale.ROOT, " k=%d %s %s", r.getInt(3), r.getString(4),
                    r.isNullAt(7) ? "-" : String.format(Locale.ROOT, "%.1f", r.getDouble(7))));
        }
        if (line != null) {
            out.add(line.toString());
        }
        return out;
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return MoeFigures.blocking(tables);
    }
}
