package org.neurosweep.jobs.sparse;

import org.apache.spark.sql.Row;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Aggregation;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;
import static org.neurosweep.report.Aggregation.labelled;

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

    /**
     * The cells shown of a row keyed (model, kind, ε, title, x, y) with one measure: (title, x, y, measure); the first
     * three only sort the analyses (ε by value, not as text).
     */
    private static final int[] ANALYSIS_ROW = {3, 4, 5, 6};

    /** p2_layer_dist: the fraction of each layer's units in S_c, one curve per category. */
    static List<Chart> layerDistribution(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, SparseComponentsJob.LAYER_DIST, groupBy(col("model"), col("kind"), col("eps"),
                analysis("", " per layer"), col("category"), col("layer")).avg("frac"));
        return ChartData.perName(ChartData.pick(rows, ANALYSIS_ROW), (title, r) -> new Chart.Line(title, "layer",
                "fraction of the layer's units in S_c", ChartData.series(r)));
    }

    /** p2_overlap: Jaccard similarity of the categories' sets, category × category. */
    static List<Chart> overlap(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, SparseComponentsJob.OVERLAP, groupBy(col("model"), col("kind"), col("eps"),
                analysis("Jaccard of the category ", " sets"), col("cat_a"), col("cat_b")).avg("jaccard"));
        return ChartData.perName(ChartData.pick(rows, ANALYSIS_ROW), (title, r) -> ChartData.heatmap(title, "category", "category", r));
    }

    /**
     * p2_gen_uniq: generality and uniqueness ratios and instruction coverage per category (ALL: the union); the bars of
     * a category in that order.
     */
    static List<Chart> generality(TableReader tables) {
        String table = SparseComponentsJob.GEN_UNIQ;
        List<Row> rows = new ArrayList<>(ReportQueries.rows(tables, table,
                ratioPerCategory("generality").avg("generality_ratio")));
        rows.addAll(ReportQueries.rows(tables, table, ratioPerCategory("uniqueness").avg("uniqueness_ratio")));
        rows.addAll(ReportQueries.rows(tables, table, ratioPerCategory("instruction coverage")
                .where(r -> !"ALL".equals(r.get("category"))).avg("instruction_coverage")));
        // by title and category; a stable sort keeps the ratios' order within a category
        rows.sort(Comparator.comparing((Row r) -> r.getString(0)).thenComparing(r -> r.getString(1)));
        return ChartData.perName(rows, (title, r) -> ChartData.bars(title, "ratio", r));
    }

    /** p2_expert_freq: the fraction of tokens routed to each expert, layer × expert, over the run's category pools. */
    static List<Chart> expertUsage(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, SparseComponentsJob.EXPERT_FREQ, groupBy(col("model_id"),
                labelled(col("layer"), r -> "layer " + r.get("layer")), col("expert_id"))
                .where(r -> "category".equals(r.get("level")) && r.number("expert_id") >= 0)
                .ratio(col("routed_count"), col("n_tokens")));
        return ChartData.perName(rows, (model, r) -> ChartData.heatmap(model + ": fraction of tokens routed to each expert",
                "expert", "layer", r));
    }

    /** p2_ablation: the drop of the reference's log-probability when a category's set, or as many random units, is off. */
    static List<Chart> ablation(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, SparseComponentsJob.ABLATION_TABLE_NAME, groupBy(col("model_id"),
                col("category"), col("target"))
                .where(r -> "logprob_ref".equals(r.get("metric")) && !"none".equals(r.get("target")))
                .avg("drop"));
        return ChartData.perName(rows, (model, r) -> ChartData.bars(model + ": change of the reference's log-probability",
                "nats (switched off − intact)", r));
    }

    /** p2_base_vs_ft: Jaccard of the base and tuned model's sets per layer, one curve per category. */
    static List<Chart> baseVsTuned(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, SparseComponentsCompareJob.BASE_VS_FT, groupBy(
                r -> r.string("base_model") + " → " + r.string("tuned_model") + ": " + r.string("kind")
                        + " sets kept by tuning (ε = " + r.get("eps") + ")", col("category"), col("layer"))
                .where(r -> r.get("layer") != null).avg("jaccard"));
        return ChartData.perName(rows, (title, r) -> new Chart.Line(title, "layer", "Jaccard(S^B, S^F)", ChartData.series(r)));
    }

    /** p2_expert_shift: how tuning moved the routing, layer × expert, all categories pooled. */
    static List<Chart> expertShift(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, SparseComponentsCompareJob.EXPERT_SHIFT, groupBy(
                r -> r.string("base_model") + " → " + r.string("tuned_model"),
                labelled(col("layer"), r -> "layer " + r.get("layer")), col("expert_id"))
                .where(r -> "ALL".equals(r.get("category"))).avg("delta_freq"));
        return ChartData.perName(rows, (pair, r) -> ChartData.heatmap(pair + ": change of the routed fraction (tuned − base)",
                "expert", "layer", r));
    }

    /** The chart title of an analysis (model, kind, ε): "model: {@code before}kind{@code after} (ε = eps)". */
    private static Aggregation.Cell analysis(String before, String after) {
        return r -> r.string("model") + ": " + before + r.string("kind") + after + " (ε = " + r.get("eps") + ")";
    }

    /** p2_gen_uniq's rows of one ratio: keyed (title, category, {@code name}). */
    private static Aggregation ratioPerCategory(String name) {
        return groupBy(analysis("general and unique ", ""), col("category"), r -> name);
    }
}
