package org.neurosweep.jobs.sparse;

import org.apache.spark.sql.Row;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

import java.util.ArrayList;
import java.util.List;

/**
 * The report figures of SPARCOM (docs/methods/sparcom.md), drawn from the driver summary's tables: one chart per
 * analysis (model, kind ISN/ISE, ε; formattings and criteria of one run are drawn together, as the headlines count
 * them), in the order of the paper's figures: where the components sit, how the categories' sets overlap, how general
 * and unique they are, how the experts are used, what switching them off costs, and what instruction tuning changes.
 */
final class SparseFigures {

    private SparseFigures() {
    }

    /** sparse-components: every figure of the job's own tables. */
    static List<Chart> components(TableReader tables) {
        List<Chart> charts = new ArrayList<>();
        charts.addAll(layerDistribution(tables));
        charts.addAll(overlap(tables));
        charts.addAll(generality(tables));
        charts.addAll(expertUsage(tables));
        charts.addAll(ablation(tables));
        return charts;
    }

    /** sparse-components-compare: base against tuned model. */
    static List<Chart> comparison(TableReader tables) {
        List<Chart> charts = new ArrayList<>(baseVsTuned(tables));
        charts.addAll(expertShift(tables));
        return charts;
    }

    /** p2_layer_dist: the fraction of each layer's units in S_c, one curve per category. */
    static List<Chart> layerDistribution(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, SparseComponentsJob.LAYER_DIST, """
                SELECT concat(model, ': ', kind, ' per layer (ε = ', eps, ')'), category, layer, avg(frac) FROM {table}
                GROUP BY model, kind, eps, category, layer ORDER BY model, kind, eps, category, layer""");
        return ChartData.perName(rows, (title, r) -> new Chart.Line(title, "layer", "fraction of the layer's units in S_c",
                ChartData.series(r)));
    }

    /** p2_overlap: Jaccard similarity of the categories' sets, category × category. */
    static List<Chart> overlap(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, SparseComponentsJob.OVERLAP, """
                SELECT concat(model, ': Jaccard of the category ', kind, ' sets (ε = ', eps, ')'), cat_a, cat_b, avg(jaccard)
                FROM {table} GROUP BY model, kind, eps, cat_a, cat_b ORDER BY model, kind, eps, cat_a, cat_b""");
        return ChartData.perName(rows, (title, r) -> ChartData.heatmap(title, "category", "category", r));
    }

    /** p2_gen_uniq: generality and uniqueness ratios and instruction coverage per category (ALL: the union). */
    static List<Chart> generality(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, SparseComponentsJob.GEN_UNIQ, """
                SELECT concat(model, ': general and unique ', kind, ' (ε = ', eps, ')') AS t, category, 'generality', avg(generality_ratio)
                FROM {table} GROUP BY model, kind, eps, category
                UNION ALL
                SELECT concat(model, ': general and unique ', kind, ' (ε = ', eps, ')'), category, 'uniqueness', avg(uniqueness_ratio)
                FROM {table} GROUP BY model, kind, eps, category
                UNION ALL
                SELECT concat(model, ': general and unique ', kind, ' (ε = ', eps, ')'), category, 'instruction coverage',
                       avg(instruction_coverage)
                FROM {table} WHERE category <> 'ALL' GROUP BY model, kind, eps, category
                ORDER BY t, category""");
        return ChartData.perName(rows, (title, r) -> ChartData.bars(title, "ratio", r));
    }

    /** p2_expert_freq: the fraction of tokens routed to each expert, layer × expert, over the run's category pools. */
    static List<Chart> expertUsage(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, SparseComponentsJob.EXPERT_FREQ, """
                SELECT model_id, concat('layer ', layer), expert_id, sum(routed_count) / sum(n_tokens) FROM {table}
                WHERE level = 'category' AND expert_id >= 0 GROUP BY model_id, layer, expert_id ORDER BY model_id, layer, expert_id""");
        return ChartData.perName(rows, (model, r) -> ChartData.heatmap(model + ": fraction of tokens routed to each expert",
                "expert", "layer", r));
    }

    /** p2_ablation: the drop of the reference's log-probability when a category's set, or as many random units, is off. */
    static List<Chart> ablation(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, SparseComponentsJob.ABLATION_TABLE_NAME, """
                SELECT model_id, category, target, avg(`drop`) FROM {table} WHERE metric = 'logprob_ref' AND target <> 'none'
                GROUP BY model_id, category, target ORDER BY model_id, category, target""");
        return ChartData.perName(rows, (model, r) -> ChartData.bars(model + ": change of the reference's log-probability",
                "nats (switched off − intact)", r));
    }

    /** p2_base_vs_ft: Jaccard of the base and tuned model's sets per layer, one curve per category. */
    static List<Chart> baseVsTuned(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, SparseComponentsCompareJob.BASE_VS_FT, """
                SELECT concat(base_model, ' → ', tuned_model, ': ', kind, ' sets kept by tuning (ε = ', eps, ')'), category, layer,
                       avg(jaccard)
                FROM {table} WHERE layer IS NOT NULL
                GROUP BY base_model, tuned_model, kind, eps, category, layer ORDER BY 1, category, layer""");
        return ChartData.perName(rows, (title, r) -> new Chart.Line(title, "layer", "Jaccard(S^B, S^F)", ChartData.series(r)));
    }

    /** p2_expert_shift: how tuning moved the routing, layer × expert, all categories pooled. */
    static List<Chart> expertShift(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, SparseComponentsCompareJob.EXPERT_SHIFT, """
                SELECT concat(base_model, ' → ', tuned_model), concat('layer ', layer), expert_id, avg(delta_freq) FROM {table}
                WHERE category = 'ALL' GROUP BY base_model, tuned_model, layer, expert_id ORDER BY 1, layer, expert_id""");
        return ChartData.perName(rows, (pair, r) -> ChartData.heatmap(pair + ": change of the routed fraction (tuned − base)",
                "expert", "layer", r));
    }
}
