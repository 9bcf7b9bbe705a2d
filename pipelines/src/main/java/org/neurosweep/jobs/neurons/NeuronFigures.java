package org.neurosweep.jobs.neurons;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.neurosweep.job.TableReader;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ChartData;
import org.neurosweep.report.ReportQueries;

/**
 * The report figures of the knowledge- and privacy-neuron jobs (docs/methods/neuron-attribution.md,
 * docs/methods/privacy-neurons.md): where the neurons sit by layer, the cross-language overlap, and exposure against
 * the number of times a secret was seen, before and after editing.
 */
final class NeuronFigures {

    private NeuronFigures() {
    }

    /**
     * neuron-attribution: per model, the knowledge neurons per layer (share of each language's); the mean summed
     * attribution of each layer (its probability drop, by completeness); the overlap per language pair and condition,
     * same vs different relations.
     */
    static List<Chart> knowledge(TableReader tables) {
        List<Chart> charts = new ArrayList<>(ChartData.perName(ReportQueries.rows(tables, NeuronAttributionJob.KNOWLEDGE, """
                SELECT model_id, concat('layer ', lpad(CAST(layer AS STRING), 2, '0')), language,
                       count(*) / sum(count(*)) OVER (PARTITION BY model_id, language)
                FROM {table} GROUP BY model_id, layer, language ORDER BY model_id, layer, language"""),
                (model, r) -> ChartData.bars(model + ": knowledge neurons by layer (share per language)", "share", r)));
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, NeuronAttributionJob.DIAGNOSTICS, """
                SELECT model_id, language, layer, avg(sum_attr) FROM {table}
                GROUP BY model_id, language, layer ORDER BY model_id, language, layer"""),
                (model, r) -> new Chart.Line(model + ": neuron attribution by layer (mean sum over the layer's neurons)",
                        "layer", "mean summed attribution", ChartData.series(r))));
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, NeuronAttributionJob.OVERLAP, """
                SELECT model_id, concat(language_a, '-', language_b, ' ', condition),
                       CASE WHEN same_relation THEN 'same relation' ELSE 'different relations' END, avg(overlap)
                FROM {table} GROUP BY model_id, language_a, language_b, condition, same_relation
                ORDER BY model_id, 2, 3 DESC"""),
                (model, r) -> ChartData.bars(model + ": knowledge-neuron overlap between languages", "overlap", r)));
        return charts;
    }

    /**
     * privacy-neurons: per model, mean exposure against repetitions, unedited and after each edit; the voted privacy
     * neurons by layer (the top 20 and all voted).
     */
    static List<Chart> privacy(TableReader tables) {
        List<Chart> charts = new ArrayList<>(ChartData.perName(ReportQueries.rows(tables, PrivacyNeuronsJob.EVAL, """
                SELECT model_id, 'before editing', repetitions, avg(exposure_before) FROM {table}
                WHERE repetitions IS NOT NULL AND z = (SELECT min(z) FROM {table}) GROUP BY model_id, repetitions
                UNION ALL
                SELECT model_id, concat('after editing z = ', z), repetitions, avg(exposure_after) FROM {table}
                WHERE repetitions IS NOT NULL GROUP BY model_id, z, repetitions ORDER BY 1, 2, 3"""),
                (model, r) -> new Chart.Line(model + ": exposure against repetitions in training", "repetitions",
                        "mean exact exposure (bits)", ChartData.series(r), List.of(), true)));
        charts.addAll(ChartData.perName(ReportQueries.rows(tables, PrivacyNeuronsJob.VOTES, """
                SELECT model_id, concat('layer ', lpad(CAST(layer AS STRING), 2, '0')), 'top 20', count(*) FROM {table} WHERE selection_rank <= 20
                GROUP BY model_id, layer
                UNION ALL SELECT model_id, concat('layer ', lpad(CAST(layer AS STRING), 2, '0')), 'all voted', count(*) FROM {table} GROUP BY model_id, layer
                ORDER BY 1, 2, 3"""),
                (model, r) -> ChartData.bars(model + ": privacy neurons by layer", "neurons", r)));
        return charts;
    }

    /** exposure: mean exposure against repetitions, one line per model and checkpoint. */
    static List<Chart> exposure(TableReader tables) {
        List<Chart> charts = new ArrayList<>();
        List<Row> rows = ReportQueries.rows(tables, ExposureJob.EXPOSURE, """
                SELECT concat(model_id, coalesce(concat('@', checkpoint), '')), repetitions, avg(exposure) FROM {table}
                WHERE repetitions IS NOT NULL GROUP BY model_id, checkpoint, repetitions ORDER BY 1, 2""");
        charts.add(new Chart.Line("exposure against repetitions in training", "repetitions", "mean exact exposure (bits)",
                ChartData.series(rows), List.of(), true));
        return charts;
    }
}
