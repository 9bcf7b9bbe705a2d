package org.neurosweep.jobs.lota;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

/** The report figures of {@code lota-qaf}, {@code lota-eval} and {@code quantize}. */
final class LotaFigures {

    private LotaFigures() {
    }

    /**
     * lota-qaf: per run (model, bits, group size, unit) the training loss and the share of non-zero ternary entries
     * over the steps; exact match and response perplexity of the four variants; and the merge audit per layer (codes
     * moved, and the largest weight differences after packing and after reload, which a lossless merge keeps at 0).
     */
    static List<Chart> lota(TableReader tables) {
        List<Chart> charts = new ArrayList<>();
        List<Row> steps = ReportQueries.rows(tables, LotaQafJob.TRAIN_STEP, """
                SELECT concat(model_id, ' (', unit_id, ')'), train_step, loss, frac_nonzero_a, frac_nonzero_b
                FROM {table} ORDER BY 1, train_step""");
        if (!steps.isEmpty()) {
            charts.add(new Chart.Line("lota-qaf: training loss (response tokens) per t-SignSGD step", "step",
                    "loss, nats", ChartData.series(steps.stream().map(r -> RowFactory.create(
                            r.get(0), r.get(1), r.get(2))).toList()), List.of(), false));
            List<Row> nonZero = new ArrayList<>();
            for (Row r : steps) {
                nonZero.add(RowFactory.create(r.get(0) + " A", r.get(1), r.get(3)));
                nonZero.add(RowFactory.create(r.get(0) + " B", r.get(1), r.get(4)));
            }
            nonZero.sort(Comparator.comparing((Row r) -> r.getString(0)));
            charts.add(new Chart.Line("lota-qaf: share of non-zero ternary entries", "step", "share",
                    ChartData.series(nonZero), List.of(), false));
        }
        for (String metric : List.of("exact_match", "perplexity")) {
            List<Row> eval = ReportQueries.rows(tables, LotaQafJob.EVAL, """
                    SELECT concat(model_id, ' ', bits, '-bit g', group_size), variant, first(score) FROM {table}
                    WHERE metric = '%s' GROUP BY model_id, bits, group_size, unit_id, variant
                    ORDER BY 1, CASE variant WHEN 'bf16' THEN 0 WHEN 'gptq' THEN 1 WHEN 'lota_merged' THEN 2 ELSE 3 END"""
                    .formatted(metric));
            if (!eval.isEmpty()) {
                charts.add(ChartData.bars("lota-qaf: " + metric + " of the 16-bit, quantized, LoTA-merged and LoRA models",
                        metric, eval));
            }
        }
        List<Row> audit = ReportQueries.rows(tables, LotaQafJob.MERGE_AUDIT, """
                SELECT module, concat(model_id, ' (', unit_id, ')'), n_codes_changed FROM {table}
                ORDER BY coalesce(layer_idx, -1), module""");
        if (!audit.isEmpty()) {
            charts.add(ChartData.bars("lota-qaf merge audit: codes moved one step per projection", "codes", audit));
            charts.add(ChartData.bars("lota-qaf merge audit: largest |W_eff − W| after packing and after reload "
                    + "(0 = lossless)", "max abs difference", ReportQueries.rows(tables, LotaQafJob.MERGE_AUDIT, """
                    SELECT concat(model_id, ' (', unit_id, ')'), 'packed', max(max_abs_diff_weff_vs_merged) FROM {table}
                    GROUP BY model_id, unit_id
                    UNION ALL SELECT concat(model_id, ' (', unit_id, ')'), 'reloaded', max(max_abs_diff_reloaded)
                    FROM {table} GROUP BY model_id, unit_id""")));
        }
        return charts;
    }

    /**
     * The shard-combining aggregate of {@code lota_eval}'s score per group: exact match over all records (the mean of
     * the shards' scores weighted by records), perplexity as the records-weighted geometric mean of the shards' (exact
     * with one shard; with several it weights by records, not response tokens).
     */
    static final String COMBINED_SCORE = "CASE WHEN metric = 'exact_match' THEN sum(score * n_examples) / sum(n_examples) "
            + "ELSE exp(sum(ln(score) * n_examples) / sum(n_examples)) END";

    /**
     * lota-eval: exact match and response perplexity of each evaluated lota-qaf unit's variants, combined over the
     * evaluation shards.
     */
    static List<Chart> evaluation(TableReader tables) {
        List<Chart> charts = new ArrayList<>();
        for (String metric : List.of("exact_match", "perplexity")) {
            List<Row> eval = ReportQueries.rows(tables, LotaEvaluation.TABLE, """
                    SELECT concat(model_id, ' ', bits, '-bit g', group_size, ' (', lota_unit, ')'), variant, %s
                    FROM {table} WHERE metric = '%s' GROUP BY model_id, bits, group_size, lota_unit, variant, metric
                    ORDER BY 1, CASE variant WHEN 'bf16' THEN 0 WHEN 'gptq' THEN 1 WHEN 'lota_merged' THEN 2 ELSE 3 END"""
                    .formatted(COMBINED_SCORE, metric));
            if (!eval.isEmpty()) {
                charts.add(ChartData.bars("lota-eval: " + metric + " of the evaluated checkpoints, over all shards",
                        metric, eval));
            }
        }
        return charts;
    }

    /** quantize: per projection, the calibration output error of GPTQ against round-to-nearest's. */
    static List<Chart> quantize(TableReader tables) {
        List<Row> rows = ReportQueries.rows(tables, QuantizeJob.TABLE, """
                SELECT module, concat(model_id, ' ', bits, '-bit g', group_size, ' ', s.which), s.err FROM {table}
                LATERAL VIEW stack(2, 'gptq', output_error, 'rtn', rtn_output_error) s AS which, err
                WHERE method = 'gptq' ORDER BY coalesce(layer_idx, -1), module""");
        return rows.isEmpty() ? List.of() : List.of(ChartData.bars(
                "quantize: output error on the calibration tokens per projection, GPTQ vs round-to-nearest",
                "mean squared output error", rows));
    }
}
