package org.neurosweep.jobs.moe;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Aggregation;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;
import static org.neurosweep.report.Aggregation.labelled;

/**
 * The report figures of the MoE attribution jobs (docs/methods/moe-attribution.md), one chart per model (model_id, or
 * model_id@checkpoint), plain means over the run's samples.
 */
final class MoeFigures {

    /** The chart's model: model_id, or model_id@checkpoint for a checkpoint of a series. */
    private static final Aggregation.Cell MODEL = r -> r.get("checkpoint") == null ? r.string("model_id")
            : r.string("model_id") + "@" + r.string("checkpoint");

    /** A layer key, shown as "layer N" and sorted by N. */
    private static final Aggregation.Cell LAYER = labelled(col("layer"), r -> "layer " + r.get("layer"));

    private MoeFigures() {
    }

    /**
     * moe-attribution: the mean LPI of the attention sublayer and of the FFN/MoE block by layer; expert usage (the
     * share of samples whose t* selected each routed expert) and each expert's mean LPI where selected; the mean head
     * LPI by layer and head.
     */
    static List<Chart> attribution(TableReader tables) {
        List<Chart> charts = new ArrayList<>();
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, MoeAttributionJob.LAYER_LPI,
                groupBy(MODEL, col("sublayer"), col("layer")).avg("lpi")),
                (model, r) -> new Chart.Line(model + ": mean LPI by layer (attention, FFN/MoE block)",
                "layer", "mean LPI (nats)", ChartData.series(r))));
        Aggregation.Filter routed = r -> "routed".equals(r.get("expert_type"));
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, MoeAttributionJob.EXPERT_LPI,
                groupBy(MODEL, LAYER, col("expert_id")).where(routed).avg(r -> r.isTrue("selected") ? 1.0 : 0.0)),
                (model, r) -> ChartData.heatmap(model + ": expert usage at t* (share of samples)", "expert", "MoE layer", r)));
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, MoeAttributionJob.EXPERT_LPI,
                groupBy(MODEL, LAYER, col("expert_id")).where(routed).where(r -> r.isTrue("selected")).avg("lpi")),
                (model, r) -> ChartData.heatmap(model + ": mean expert LPI where selected", "expert", "MoE layer", r)));
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, MoeAttributionJob.HEAD_LPI,
                groupBy(MODEL, LAYER, col("head")).avg("lpi")),
                (model, r) -> ChartData.heatmap(model + ": mean head LPI", "head", "layer", r)));
        return charts;
    }

    /**
     * expert-blocking: the MRR drop by k, top pairs against the random control, per mode; the head-to-router heat map of
     * step 9 (iii), the mean integrated gradient of each router's selected-expert logit (rows: layer:expert) on each head
     * (columns: layer:head).
     */
    static List<Chart> blocking(TableReader tables) {
        List<Chart> charts = new ArrayList<>();
        List<Row> drops = ReportQueries.rows(tables, ExpertBlockingJob.BLOCKING, groupBy(
                r -> MODEL.of(r) + " " + r.string("mode"), labelled(col("k"), r -> "k = " + r.get("k")), col("selection"))
                .avg("mrr_drop_pct"));
        charts.addAll(ChartData.perName(drops, (model, r) -> ChartData.bars(model + ": MRR drop with k experts blocked",
                "MRR drop (%)", r)));
        // rows (model, router layer, expert, "layer:expert", "head_layer:head", mean IG): routers in (layer, expert) order,
        // shown without the layer and expert cells
        List<Row> ig = ChartData.pick(ReportQueries.rows(tables, ExpertBlockingJob.ROUTER_IG, groupBy(MODEL, col("layer"),
                col("expert"), r -> r.get("layer") + ":" + r.get("expert"), r -> r.get("head_layer") + ":" + r.get("head"))
                .avg("ig")), 0, 3, 4, 5);
        charts.addAll(ChartData.perName(ig, (model, r) -> ChartData.heatmap(
                model + ": integrated gradients of the selected experts' router logits on the heads",
                "head (layer:head)", "router (layer:expert)", r)));
        return charts;
    }
}
