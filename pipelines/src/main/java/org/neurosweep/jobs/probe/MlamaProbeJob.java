package org.neurosweep.jobs.probe;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.SupportsCheckpointSeries;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.report.Chart;
import org.neurosweep.report.SupportsReport;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.report.ReportQueries;

/**
 * {@code mlama-probe}: factual probing on mLAMA-layout data (docs/methods/lrp2-mlama.md §3; data/README.md for the
 * exact-match mode), per language, relation and fact, with {@code seen_in_pretraining} carried through. A unit is one
 * model (or checkpoint) x dataset shard x parameter point.
 */
public final class MlamaProbeJob implements MapJob, NeedsDataset, SupportsCheckpointSeries, SupportsHeadlines, SupportsReport {

    static final String ITEMS = "mlama_item_scores";
    static final String ACCURACY = "mlama_accuracy";

    static final TableSchema ITEM_TABLE = new TableSchema(ITEMS,
            "one row per probed fact: every candidate's score, the gold object's rank and whether the probe answered it",
            ProbeColumns.ITEM);
    static final TableSchema ACCURACY_TABLE = new TableSchema(ACCURACY,
            "accuracy per language, relation and seen_in_pretraining of one unit (sum n_correct / n_facts over shards)",
            ProbeColumns.CELL);

    @Override
    public String name() {
        return "mlama-probe";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "mLAMA factual probe: the gold object ranked among the relation's objects (P@1, rank, RR), or teacher-forced exact match";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(ITEM_TABLE, ACCURACY_TABLE);
    }

    @Override
    public List<ParamSpec> params() {
        return ProbeParams.specs();
    }

    @Override
    public Set<String> formats() {
        return Set.of(MlamaInputs.MLAMA, MlamaInputs.MLAMA_CORPUS);
    }

    @Override
    public KernelFactory kernels() {
        return new MlamaProbeKernel.Factory();
    }

    /** Accuracy per model, mode and language, and each language's gap to English when English was probed. */
    @Override
    public List<String> headlines(TableReader tables) {
        // (model[@checkpoint], mode, language, Σ n_correct / Σ n_facts, Σ n_facts)
        List<Row> rows = ReportQueries.rows(tables, ACCURACY, groupBy(
                r -> r.get("checkpoint") == null ? r.get("model_id") : r.get("model_id") + "@" + r.get("checkpoint"),
                col("mode"), col("language")).ratio(col("n_correct"), col("n_facts")).sum("n_facts"));
        Map<String, Double> english = new HashMap<>();
        rows.stream().filter(r -> r.getString(2).equals("en"))
                .forEach(r -> english.put(r.getString(0) + " " + r.getString(1), r.getDouble(3)));
        List<String> out = new ArrayList<>();
        for (Row r : rows) {
            Double en = r.getString(2).equals("en") ? null : english.get(r.getString(0) + " " + r.getString(1));
            out.add(String.format(Locale.ROOT, "%s %s %s: accuracy %.3f over %d facts%s", r.getString(0), r.getString(1),
                    r.getString(2), r.getDouble(3), ((Number) r.get(4)).longValue(),
                    en == null ? "" : String.format(Locale.ROOT, " (gap to en %.3f)", en - r.getDouble(3))));
        }
        return out;
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return ProbeFigures.accuracy(tables);
    }
}
