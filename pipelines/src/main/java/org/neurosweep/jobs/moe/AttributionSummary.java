package org.neurosweep.jobs.moe;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableReader;
import org.neurosweep.jobs.JobTables;
import org.neurosweep.methods.moe.GainSummary;

/**
 * The driver side of moe-attribution: per model (model_id, or model_id@checkpoint), the per-layer LPIs and original
 * ranks of every sample are collected and summarised with {@link GainSummary} (per task and over ALL tasks, for all
 * samples and for the originally correct ones), stage shares use the stages the units wrote into p1_layer_lpi, and
 * the routed experts are ranked per model and task by their LPI summed over the samples that selected them, and
 * the head-expert coupling is correlated ({@link HeadExpertCoupling}).
 */
final class AttributionSummary {

    private static final String ALL = "ALL";

    private AttributionSummary() {
    }

    /** One sample's per-layer LPIs and original rank. */
    private record Sample(String task, double[] ffn, double[] attn, int rank) {
    }

    /** The layers of the model and the samples by (dataset, sample id), the stages by name with their layer ranges. */
    private static final class ModelSamples {
        final Map<String, Sample> samples = new LinkedHashMap<>();
        final Map<String, int[]> stages = new LinkedHashMap<>();
        int layers;
    }

    static void write(TableReader tables, RowSink out) {
        Dataset<Row> layers = tables.table(MoeAttributionJob.LAYER_LPI);
        Dataset<Row> eval = tables.table(MoeAttributionJob.EVAL);
        if (layers.isEmpty() || eval.isEmpty()) {
            return;
        }
        Map<String, ModelSamples> models = collect(layers, eval);
        models.forEach((model, m) -> {
            for (String report : List.of("all", "correct")) {
                Predicate<Sample> keep = report.equals("all") ? s -> true : s -> s.rank() == 1;
                List<Sample> kept = m.samples.values().stream().filter(s -> s.ffn() != null).filter(keep).toList();
                Map<String, List<Sample>> byTask = new TreeMap<>();
                kept.forEach(s -> byTask.computeIfAbsent(s.task(), t -> new ArrayList<>()).add(s));
                byTask.put(ALL, kept);
                byTask.forEach((task, group) -> summaryRow(out, model, report, task, m.layers, group));
                stageRows(out, model, report, m, kept);
            }
        });
        expertRanks(tables.table(MoeAttributionJob.EXPERT_LPI), out);
        HeadExpertCoupling.write(tables, out);
    }

    private static Map<String, ModelSamples> collect(Dataset<Row> layers, Dataset<Row> eval) {
        Map<String, ModelSamples> models = new TreeMap<>();
        for (Row r : withModel(eval).where(col("condition").equalTo("original"))
                .select("model", "dataset", "sample_id", "task", "rank").collectAsList()) {
            models.computeIfAbsent(r.getString(0), k -> new ModelSamples()).samples
                    .put(r.getString(1) + "/" + r.getString(2), new Sample(r.getString(3), null, null, r.getInt(4)));
        }
        List<Row> rows = withModel(layers).select("model", "dataset", "sample_id", "layer", "sublayer", "lpi", "stage")
                .collectAsList();
        for (Row r : rows) {
            ModelSamples m = models.computeIfAbsent(r.getString(0), k -> new ModelSamples());
            m.layers = Math.max(m.layers, r.getInt(3) + 1);
        }
        for (Row r : rows) {
            ModelSamples m = models.get(r.getString(0));
            String key = r.getString(1) + "/" + r.getString(2);
            Sample s = m.samples.get(key);
            if (s == null) {
                continue;  // no original eval row: not a committed sample of this job
            }
            if (s.ffn() == null) {
                s = new Sample(s.task(), new double[m.layers], new double[m.layers], s.rank());
                m.samples.put(key, s);
            }
            int layer = r.getInt(3);
            (r.getString(4).equals("ffn") ? s.ffn() : s.attn())[layer] = r.getDouble(5);
            int[] range = m.stages.computeIfAbsent(r.getString(6), k -> new int[] {layer + 1, layer + 1});
            range[0] = Math.min(range[0], layer + 1);
            range[1] = Math.max(range[1], layer + 1);
        }
        return models;
    }

    private static void summaryRow(RowSink out, String model, String report, String task, int layers, List<Sample> group) {
        if (group.isEmpty()) {
            return;
        }
        GainSummary g = GainSummary.of(layers, group.stream().map(Sample::ffn).toList(),
                group.stream().map(Sample::attn).toList(), List.of());
        double mrr = group.stream().mapToDouble(s -> 1.0 / s.rank()).average().orElse(Double.NaN);
        double hit10 = group.stream().mapToDouble(s -> s.rank() <= 10 ? 1 : 0).average().orElse(Double.NaN);
        out.table(MoeAttributionJob.MODEL_SUMMARY).add(null, model, report, task, group.size(), layers,
                JobTables.orNull(hit10), JobTables.orNull(mrr), JobTables.orNull(g.ffnGain()), JobTables.orNull(g.attnGain()),
                JobTables.orNull(g.peakGainPosition()), JobTables.orNull(g.layerEfficiency()));
    }

    private static void stageRows(RowSink out, String model, String report, ModelSamples m, List<Sample> samples) {
        if (samples.isEmpty()) {
            return;
        }
        List<GainSummary.Stage> stages = m.stages.entrySet().stream()
                .map(e -> new GainSummary.Stage(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .sorted(Comparator.comparingInt(GainSummary.Stage::from)).toList();
        GainSummary g = GainSummary.of(m.layers, samples.stream().map(Sample::ffn).toList(),
                samples.stream().map(Sample::attn).toList(), stages);
        for (GainSummary.StageShare s : g.stages()) {
            out.table(MoeAttributionJob.STAGE_SHARE).add(null, model, report, s.stage().name(), s.stage().from(),
                    s.stage().to(), JobTables.orNull(s.share()), JobTables.orNull(s.positiveShare()));
        }
    }

    // I(l, e) = Σ over the samples that selected e in layer l of its LPI, ranked per model and task
    private static void expertRanks(Dataset<Row> experts, RowSink out) {
        if (experts.isEmpty()) {
            return;
        }
        List<Row> rows = withModel(experts).where(col("expert_type").equalTo("routed").and(col("selected")))
                .groupBy("model", "task", "layer", "expert_id")
                .agg(sum("lpi").as("agg"), count(lit(1)).as("n"))
                .orderBy(col("model"), col("task"), col("agg").desc(), col("layer"), col("expert_id")).collectAsList();
        String group = null;
        int rank = 0;
        for (Row r : rows) {
            String key = r.getString(0) + "\u0000" + r.getString(1);
            rank = key.equals(group) ? rank + 1 : 1;
            group = key;
            out.table(MoeAttributionJob.EXPERT_RANK).add(null, r.getString(0), r.getString(1), r.getInt(2), r.getInt(3),
                    r.getDouble(4), (int) r.getLong(5), rank);
        }
    }

    /** {@code rows} with a {@code model} column: model_id, or model_id@checkpoint. */
    static Dataset<Row> withModel(Dataset<Row> rows) {
        return rows.withColumn("model", coalesce(concat(col("model_id"), lit("@"), col("checkpoint")), col("model_id")));
    }
}
