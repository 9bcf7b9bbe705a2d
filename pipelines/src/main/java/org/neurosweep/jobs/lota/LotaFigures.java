package org.neurosweep.jobs.lota;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableRow;
import org.neurosweep.report.Aggregation;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

/** The report figures of {@code lota-qaf}, {@code lota-eval} and {@code quantize}. */
final class LotaFigures {

    /** The metrics of {@code lota_eval}, in the order the figures and headlines give them. */
    static final List<String> METRICS = List.of("exact_match", "perplexity");

    /** A variant's place in figures and headlines: bf16, gptq, lota_merged, then the others (the LoRA baseline). */
    static final Aggregation.Cell VARIANT_ORDER = r -> {
        int i = List.of("bf16", "gptq", "lota_merged").indexOf(r.string("variant"));
        return i < 0 ? 3 : i;
    };

    /** A lota-qaf unit's label: "model_id (unit_id)". */
    private static final Aggregation.Cell UNIT = r -> r.string("model_id") + " (" + r.string("unit_id") + ")";

    /** A projection's place in the audit and quantize figures: by layer (none first), then module name. */
    private static final Aggregation.Cell LAYER = r -> r.get("layer_idx") == null ? -1 : r.get("layer_idx");

    /**
     * The lota_eval rows lota-qaf's units wrote inline (the table is shared with lota-eval, whose rows name the evaluated
     * unit in lota_unit; rows of lota-qaf version 1 have no lota_unit).
     */
    static final Aggregation.Filter INLINE = r -> r.get("lota_unit") == null || r.get("lota_unit").equals(r.get("unit_id"));

    private LotaFigures() {
    }

    /**
     * lota-qaf: per run (model, bits, group size, unit) the training loss and the share of non-zero ternary entries
     * over the steps; exact match and response perplexity of the four variants; and the merge audit per layer (codes
     * moved, and the largest weight differences after packing and after reload, which a lossless merge keeps at 0).
     */
    static List<Chart> lota(TableReader tables) {
        List<Chart> charts = new ArrayList<>();
        List<Row> steps = ReportQueries.rows(tables, LotaQafJob.TRAIN_STEP, groupBy(UNIT, col("train_step"))
                .first("loss").first("frac_nonzero_a").first("frac_nonzero_b"));
        if (!steps.isEmpty()) {
            charts.add(new Chart.Line("lota-qaf: training loss (response tokens) per t-SignSGD step", "step",
                    "loss, nats", ChartData.series(ChartData.pick(steps, 0, 1, 2)), List.of(), false));
            List<Row> nonZero = new ArrayList<>();
            for (Row r : steps) {
                nonZero.add(RowFactory.create(r.get(0) + " A", r.get(1), r.get(3)));
                nonZero.add(RowFactory.create(r.get(0) + " B", r.get(1), r.get(4)));
            }
            nonZero.sort(Comparator.comparing((Row r) -> r.getString(0)));
            charts.add(new Chart.Line("lota-qaf: share of non-zero ternary entries", "step", "share",
                    ChartData.series(nonZero), List.of(), false));
        }
        for (String metric : METRICS) {
            // rows (model bits group, variant order, variant, unit_id, score), one bar per variant
            List<Row> eval = ChartData.pick(ReportQueries.rows(tables, LotaQafJob.EVAL, groupBy(
                    r -> r.string("model_id") + " " + r.get("bits") + "-bit g" + r.get("group_size"), VARIANT_ORDER,
                    col("variant"), col("unit_id")).where(r -> metric.equals(r.get("metric"))).where(INLINE).first("score")),
                    0, 2, 4);
            if (!eval.isEmpty()) {
                charts.add(ChartData.bars("lota-qaf: " + metric + " of the 16-bit, quantized, LoTA-merged and LoRA models",
                        metric, eval));
            }
        }
        // rows (layer, module, unit, value) in projection order, shown without the layer
        List<Row> audit = ChartData.pick(ReportQueries.rows(tables, LotaQafJob.MERGE_AUDIT, groupBy(LAYER, col("module"), UNIT)
                .first("n_codes_changed")), 1, 2, 3);
        if (!audit.isEmpty()) {
            charts.add(ChartData.bars("lota-qaf merge audit: codes moved one step per projection", "codes", audit));
            charts.add(ChartData.bars("lota-qaf merge audit: largest |W_eff − W| after packing and after reload "
                    + "(0 = lossless)", "max abs difference", ReportQueries.union(
                    ReportQueries.rows(tables, LotaQafJob.MERGE_AUDIT, groupBy(UNIT, r -> "packed")
                            .max("max_abs_diff_weff_vs_merged")),
                    ReportQueries.rows(tables, LotaQafJob.MERGE_AUDIT, groupBy(UNIT, r -> "reloaded")
                            .max("max_abs_diff_reloaded")))));
        }
        return charts;
    }

    /**
     * {@code groups} of {@code lota_eval} rows of {@code metric} with the shard-combining score of each group as its
     * next measure: exact match over all records (the mean of the shards' scores weighted by records), perplexity as
     * the records-weighted geometric mean of the shards' (exact with one shard; with several it weights by records,
     * not response tokens). A score that is null (or, for perplexity, not positive) counts its records in the weights
     * only, as SQL's {@code sum(score * n_examples) / sum(n_examples)} and {@code exp(sum(ln(score) * n_examples) /
     * sum(n_examples))} do.
     */
    static Aggregation withCombinedScore(Aggregation groups, String metric) {
        Aggregation ofMetric = groups.where(r -> metric.equals(r.get("metric")));
        if (metric.equals("exact_match")) {
            return ofMetric.ratio(r -> weighted(r.number("score"), r), col("n_examples"));
        }
        return ofMetric.ratio(r -> {
            Double score = r.number("score");
            return score == null || score <= 0 ? null : weighted(StrictMath.log(score), r);
        }, col("n_examples")).then(StrictMath::exp);
    }

    /** {@code value} × the row's n_examples; null when either is null. */
    private static Double weighted(Double value, TableRow r) {
        Double n = r.number("n_examples");
        return value == null || n == null ? null : value * n;
    }

    /**
     * lota-eval: exact match and response perplexity of each evaluated lota-qaf unit's variants, combined over the
     * evaluation shards.
     */
    static List<Chart> evaluation(TableReader tables) {
        List<Chart> charts = new ArrayList<>();
        for (String metric : METRICS) {
            // rows (model bits group (unit), variant order, variant, combined score), one bar per variant
            List<Row> eval = ChartData.pick(ReportQueries.rows(tables, LotaEvaluation.TABLE, withCombinedScore(groupBy(
                    r -> r.string("model_id") + " " + r.get("bits") + "-bit g" + r.get("group_size")
                            + " (" + r.string("lota_unit") + ")", VARIANT_ORDER, col("variant")), metric)), 0, 2, 3);
            if (!eval.isEmpty()) {
                charts.add(ChartData.bars("lota-eval: " + metric + " of the evaluated checkpoints, over all shards",
                        metric, eval));
            }
        }
        return charts;
    }

    /** quantize: per projection, the calibration output error of GPTQ against round-to-nearest's. */
    static List<Chart> quantize(TableReader tables) {
        // rows (layer, module, "model bits group method", output error): GPTQ's and round-to-nearest's of each GPTQ row
        Aggregation.Filter gptq = r -> "gptq".equals(r.get("method"));
        Aggregation.Cell run = r -> r.string("model_id") + " " + r.get("bits") + "-bit g" + r.get("group_size") + " ";
        List<Row> rows = ChartData.pick(ReportQueries.union(
                ReportQueries.rows(tables, QuantizeJob.TABLE, groupBy(LAYER, col("module"), r -> run.of(r) + "gptq")
                        .where(gptq).first("output_error")),
                ReportQueries.rows(tables, QuantizeJob.TABLE, groupBy(LAYER, col("module"), r -> run.of(r) + "rtn")
                        .where(gptq).first("rtn_output_error"))), 1, 2, 3);
        return rows.isEmpty() ? List.of() : List.of(ChartData.bars(
                "quantize: output error on the calibration tokens per projection, GPTQ vs round-to-nearest",
                "mean squared output error", rows));
    }
}
