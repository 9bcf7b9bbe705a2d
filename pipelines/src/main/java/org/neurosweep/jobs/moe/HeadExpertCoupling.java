package org.neurosweep.jobs.moe;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableReader;
import org.neurosweep.jobs.JobTables;
import org.neurosweep.methods.moe.Correlation;

/**
 * Step 9's correlational reading of "semantic-driven routing" (docs/methods/moe-attribution.md, step 9, both definitions),
 * per MoE model: pooled over (sample, MoE layer) pairs, the positive head LPI mass of the layer against the positive
 * LPI mass of its selected routed experts (per task and over ALL); and over the MoE layers, the across-layer profile
 * of the mean attention LPI against the mean MoE-block LPI (ALL tasks).
 */
final class HeadExpertCoupling {

    private static final String ALL = "ALL";

    private HeadExpertCoupling() {
    }

    static void write(TableReader tables, RowSink out) {
        Dataset<Row> experts = tables.table(MoeAttributionJob.EXPERT_LPI);
        Dataset<Row> heads = tables.table(MoeAttributionJob.HEAD_LPI);
        Dataset<Row> layers = tables.table(MoeAttributionJob.LAYER_LPI);
        if (experts.isEmpty() || heads.isEmpty() || layers.isEmpty()) {
            return;
        }
        String[] key = {"model", "dataset", "sample_id", "task", "layer"};
        Dataset<Row> y = AttributionSummary.withModel(experts).where(col("expert_type").equalTo("routed").and(col("selected")))
                .groupBy(key[0], key[1], key[2], key[3], key[4]).agg(sum(greatest(col("lpi"), lit(0.0))).as("y"));
        Dataset<Row> x = AttributionSummary.withModel(heads)
                .groupBy(key[0], key[1], key[2], key[3], key[4]).agg(sum(greatest(col("lpi"), lit(0.0))).as("x"));
        Map<String, Map<String, List<double[]>>> pooled = new TreeMap<>();   // model -> task -> (x, y)
        for (Row r : x.join(y, key).select("model", "task", "x", "y").collectAsList()) {
            Map<String, List<double[]>> byTask = pooled.computeIfAbsent(r.getString(0), m -> new TreeMap<>());
            double[] pair = {r.getDouble(2), r.getDouble(3)};
            byTask.computeIfAbsent(r.getString(1), t -> new ArrayList<>()).add(pair);
            byTask.computeIfAbsent(ALL, t -> new ArrayList<>()).add(pair);
        }
        pooled.forEach((model, byTask) -> byTask.forEach((task, pairs) ->
                row(out, model, task, "pooled", pairs)));

        Dataset<Row> moeLayers = AttributionSummary.withModel(experts).select("model", "layer").distinct();
        List<Row> profile = AttributionSummary.withModel(layers).join(moeLayers, new String[] {"model", "layer"})
                .groupBy("model", "layer", "sublayer").agg(avg("lpi").as("mean"))
                .orderBy("model", "layer").collectAsList();
        Map<String, Map<Integer, double[]>> byModel = new TreeMap<>();          // model -> layer -> (attn, ffn)
        for (Row r : profile) {
            double[] v = byModel.computeIfAbsent(r.getString(0), m -> new TreeMap<>())
                    .computeIfAbsent(r.getInt(1), l -> new double[2]);
            v[r.getString(2).equals("attn") ? 0 : 1] = r.getDouble(3);
        }
        byModel.forEach((model, perLayer) -> row(out, model, ALL, "profile", new ArrayList<>(perLayer.values())));
    }

    private static void row(RowSink out, String model, String task, String definition, List<double[]> pairs) {
        Correlation c = Correlation.of(pairs.stream().mapToDouble(p -> p[0]).toArray(),
                pairs.stream().mapToDouble(p -> p[1]).toArray());
        out.table(MoeAttributionJob.HEAD_EXPERT_CORR).add(null, model, task, definition, c.n(), JobTables.orNull(c.pearson()),
                JobTables.orNull(c.pearsonP()), JobTables.orNull(c.spearman()), JobTables.orNull(c.spearmanP()));
    }
}
