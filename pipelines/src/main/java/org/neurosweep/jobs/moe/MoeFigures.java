package org.neurosweep.jobs.moe;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

/**
 * The report figures of the MoE attribution jobs (docs/methods/moe-attribution.md), one chart per model (model_id, or
 * model_id@checkpoint), plain means over the run's samples.
 */
final class MoeFigures {

    private static final String MODEL = "coalesce(concat(model_id, '@', checkpoint), model_id)";

    private MoeFigures() {
    }

    /**
     * moe-attribution: the mean LPI of the attention sublayer and of the FFN/MoE block by layer; expert usage (the
     * share of samples whose t* selected each routed expert) and each expert's mean LPI where selected; the mean head
     * LPI by layer and head.
     */
    static List<Chart> attribution(TableReader tables) {
        List<Chart> charts = new ArrayList<>();
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, MoeAttributionJob.LAYER_LPI, """
                SELECT MODEL, sublayer, layer, avg(lpi) FROM {table} GROUP BY 1, sublayer, layer ORDER BY 1, 2, 3"""
                .replace("MODEL", MODEL)), (model, r) -> new Chart.Line(model + ": mean LPI by layer (attention, FFN/MoE block)",
                "layer", "mean LPI (nats)", ChartData.series(r))));
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, MoeAttributionJob.EXPERT_LPI, """
                SELECT MODEL, concat('layer ', layer), expert_id, avg(CASE WHEN selected THEN 1.0 ELSE 0.0 END)
                FROM {table} WHERE expert_type = 'routed' GROUP BY 1, layer, expert_id ORDER BY 1, layer, expert_id"""
                .replace("MODEL", MODEL)), (model, r) -> ChartData.heatmap(model + ": expert usage at t* (share of samples)",
                "expert", "MoE layer", r)));
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, MoeAttributionJob.EXPERT_LPI, """
                SELECT MODEL, concat('layer ', layer), expert_id, avg(lpi)
                FROM {table} WHERE expert_type = 'routed' AND selected GROUP BY 1, layer, expert_id ORDER BY 1, layer, expert_id"""
                .replace("MODEL", MODEL)), (model, r) -> ChartData.heatmap(model + ": mean expert LPI where selected",
                "expert", "MoE layer", r)));
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, MoeAttributionJob.HEAD_LPI, """
                SELECT MODEL, concat('layer ', layer), head, avg(lpi) FROM {table} GROUP BY 1, layer, head ORDER BY 1, layer, head"""
                .replace("MODEL", MODEL)), (model, r) -> ChartData.heatmap(model + ": mean head LPI", "head", "layer", r)));
        return charts;
    }

    /**
     * expert-blocking: the MRR drop by k, top pairs against the random control, per mode; the head-to-router heat map of
     * step 9 (iii), the mean integrated gradient of each router's selected-expert logit (rows: layer:expert) on each head
     * (columns: layer:head).
     */
    static List<Chart> blocking(TableReader tables) {
        List<Chart> charts = new ArrayList<>();
        List<Row> drops = ReportQueries.rows(tables, ExpertBlockingJob.BLOCKING, """
                SELECT concat(MODEL, ' ', mode), concat('k = ', k), selection, avg(mrr_drop_pct) FROM {table}
                GROUP BY 1, k, selection ORDER BY 1, k, selection""".replace("MODEL", MODEL));
        charts.addAll(ChartData.perName(drops, (model, r) -> ChartData.bars(model + ": MRR drop with k experts blocked",
                "MRR drop (%)", r)));
        List<Row> ig = ReportQueries.rows(tables, ExpertBlockingJob.ROUTER_IG, """
                SELECT MODEL, concat(layer, ':', expert), concat(head_layer, ':', head), avg(ig) FROM {table}
                GROUP BY 1, layer, expert, head_layer, head ORDER BY 1, layer, expert, head_layer, head"""
                .replace("MODEL", MODEL));
        charts.addAll(ChartData.perName(ig, (model, r) -> ChartData.heatmap(
                model + ": integrated gradients of the selected experts' router logits on the heads",
                "head (layer:head)", "router (layer:expert)", r)));
        return charts;
    }
}
