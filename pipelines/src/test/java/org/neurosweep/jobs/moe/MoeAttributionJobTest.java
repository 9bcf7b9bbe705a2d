package org.neurosweep.jobs.moe;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.testjobs.SweepRun;
import org.neurosweep.testjobs.TestSweeps;
import org.neurosweep.testutil.RepoPaths;

/**
 * moe-attribution in one local sweep (one job entry: each entry gets its own summary over the whole run): the MoE
 * world model moe_shallow (OLMoE, 3 layers, 8 experts, top-2) and the dense world model dense_small, each on the
 * world mLAMA facts (English) and on an LRE-style JSONL file with one bad line. The tables are checked against the spec's invariants and the summary against SQL over the unit tables.
 */
class MoeAttributionJobTest {

    private static final int FACTS = 2;
    /** Samples per model: 4 English relations x FACTS, and the 3 good JSONL lines. */
    private static final int SAMPLES = 4 * FACTS + 3;
    private static final int TOP = 20;
    private static final int MOE_LAYERS = 3;

    @TempDir
    static Path dir;
    private static SweepRun sweep;

    @BeforeAll
    static void runSweep() throws Exception {
        Path relations = dir.resolve("capitals.jsonl");
        Files.writeString(relations, """
                {"subject": "France", "object": "Paris", "template": "The capital of {} is"}
                {"subject": "Germany", "object": "Berlin", "template": "The capital of {} is"}
                {"subject": "Spain", "template": "The capital of {} is"}
                {"subject": "Japan", "object": "Tokyo", "template": "The capital of {} is", "task": "capital_city"}
                """);
        sweep = SweepRun.of(dir, "moe.conf", """
                sweep {
                  name = moe
                  models {
                    shallow { path = "%s" }
                    dense { path = "%s" }
                  }
                  datasets {
                    facts { format = mlama, path = "%s", max-records = %d }
                    lre { format = relation-jsonl, path = "%s" }
                  }
                  jobs = [
                    { job = moe-attribution, models = [shallow, dense], datasets = [facts, lre],
                      params { languages = [en], top-neurons = %d, stage-bounds = [0.34, 0.67] } }
                  ]
                }
                """.formatted(RepoPaths.world("moe_shallow"), RepoPaths.world("dense_small"), RepoPaths.dataset("world/mlama"),
                FACTS, relations, TOP), List.of(new MoeAttributionJob()));
    }

    @Test
    void unitsSummaryAndBadLines() {
        assertEquals(5, sweep.result().committed(), "two models x two datasets, and the summary");
        assertEquals(0, sweep.result().failed());
        Dataset<Row> errors = sweep.table("errors");
        assertEquals(2, errors.count(), "the line without an object, read by each model's unit");
        assertTrue(errors.first().getString(errors.first().fieldIndex("reason")).contains("object"));
        Dataset<Row> samples = sweep.table(MoeAttributionJob.SAMPLES);
        assertEquals(2 * SAMPLES, samples.count());
        assertEquals(2, samples.where("model_id = 'dense' and task = 'capitals'").count(), "task from the file name");
        assertEquals(1, samples.where("model_id = 'dense' and task = 'capital_city'").count());
    }

    @Test
    void layerScoresTelescopeToTheRealOutput() {
        // Σ_l (attn + ffn) = log P(w|h_L) − log P(w|h_0), and log P(w|h_L) is the real output's log-probability
        List<Row> rows = sweep.table(MoeAttributionJob.LAYER_LPI).groupBy("model_id", "sample_id")
                .agg(sum("lpi").as("total"), count(lit(1)).as("n"))
                .join(sweep.table(MoeAttributionJob.LAYER_LPI).where("layer = 0 and sublayer = 'attn'")
                        .select(col("model_id"), col("sample_id"), col("logp_base").as("embed")), new String[] {"model_id", "sample_id"})
                .join(sweep.table(MoeAttributionJob.EVAL).select("model_id", "sample_id", "p_target"),
                        new String[] {"model_id", "sample_id"}).collectAsList();
        assertEquals(2 * SAMPLES, rows.size());
        for (Row r : rows) {
            double total = r.getDouble(r.fieldIndex("total"));
            double embed = r.getDouble(r.fieldIndex("embed"));
            assertEquals(Math.log(r.getDouble(r.fieldIndex("p_target"))) - embed, total, 2e-4, r.toString());
        }
    }

    @Test
    void routedExpertsAreScoredExactlyWhenSelected() {
        Dataset<Row> experts = sweep.table(MoeAttributionJob.EXPERT_LPI);
        long samples = SAMPLES;
        assertEquals(samples * MOE_LAYERS * 8, experts.count(), "every expert of every layer; no shared expert in OLMoE");
        assertEquals(samples * MOE_LAYERS * 2, experts.where("selected").count(), "top-2");
        assertEquals(0, experts.where("selected and (lpi is null or gate_weight is null)").count());
        assertEquals(0, experts.where("not selected and (lpi is not null or gate_weight is not null)").count());
        assertEquals(0, experts.where("router_prob is null").count());
        assertEquals(0, experts.where("model_id = 'dense'").count(), "a dense model has no experts");
        List<Row> gateSums = experts.where("selected").groupBy("sample_id", "layer").agg(sum("gate_weight").as("g"))
                .collectAsList();
        for (Row r : gateSums) {
            assertTrue(r.getDouble(2) > 0 && r.getDouble(2) < 1, "OLMoE's raw softmax weights (no renormalisation)");
        }
    }

    @Test
    void neuronsAreTheTopNOfTheirSample() {
        Dataset<Row> neurons = sweep.table(MoeAttributionJob.NEURON_LPI);
        assertEquals(2L * SAMPLES * TOP, neurons.count());
        assertEquals((long) SAMPLES * TOP, neurons.where("model_id = 'dense' and expert_type = 'dense' and expert_id = -1").count());
        assertEquals((long) SAMPLES * TOP, neurons.where("model_id = 'shallow' and expert_type = 'routed'").count());
        // every routed neuron belongs to an expert its sample selected in that layer
        long orphans = neurons.where("model_id = 'shallow'").join(sweep.table(MoeAttributionJob.EXPERT_LPI)
                        .where("selected and model_id = 'shallow'").select("sample_id", "layer", "expert_id"),
                new String[] {"sample_id", "layer", "expert_id"}, "left_anti").count();
        assertEquals(0, orphans);
        long notBest = neurons.groupBy("model_id", "sample_id").agg(max("lpi").as("best"))
                .join(neurons.where("rank_in_sample = 1"), new String[] {"model_id", "sample_id"})
                .where("lpi <> best").count();
        assertEquals(0, notBest, "rank 1 holds the sample's largest LPI");
    }

    @Test
    void summaryMatchesSqlOverTheUnitTables() {
        Dataset<Row> summary = sweep.table(MoeAttributionJob.MODEL_SUMMARY);
        Row all = summary.where("model = 'shallow' and report = 'all' and task = 'ALL'").first();
        double ffnGain = sweep.table(MoeAttributionJob.LAYER_LPI).where("model_id = 'shallow' and sublayer = 'ffn'")
                .groupBy("sample_id").agg(sum("lpi").as("g")).agg(avg("g")).first().getDouble(0);
        assertEquals(ffnGain, all.getDouble(all.fieldIndex("ffn_gain")), 1e-9);
        assertEquals(ffnGain / MOE_LAYERS, all.getDouble(all.fieldIndex("layer_eff")), 1e-9);
        double mrr = sweep.table(MoeAttributionJob.EVAL).where("model_id = 'shallow'").agg(avg("rr")).first().getDouble(0);
        assertEquals(mrr, all.getDouble(all.fieldIndex("mrr")), 1e-9);
        assertEquals(SAMPLES, all.getInt(all.fieldIndex("n_samples")));
        assertEquals(6, summary.where("model = 'shallow' and report = 'all' and task <> 'ALL'").count(),
                "one row per task: 4 relations, capitals (the file's name) and capital_city");
        long correct = sweep.table(MoeAttributionJob.EVAL).where("model_id = 'shallow' and rank = 1").count();
        List<Row> correctRow = summary.where("model = 'shallow' and report = 'correct' and task = 'ALL'").collectAsList();
        assertEquals(correct, correctRow.isEmpty() ? 0 : correctRow.get(0).getInt(correctRow.get(0).fieldIndex("n_samples")),
                "the correct-only report counts the samples of rank 1");

        List<Row> stages = sweep.table(MoeAttributionJob.STAGE_SHARE).where("model = 'shallow' and report = 'all'")
                .orderBy("layer_from").collectAsList();
        assertEquals(3, stages.size(), "bounds 0.34 and 0.67 of 3 layers: one layer each");
        assertEquals(List.of("early", "middle", "late"), stages.stream().map(r -> r.getString(r.fieldIndex("stage_name"))).toList());
        assertEquals(1.0, stages.stream().mapToDouble(r -> r.getDouble(r.fieldIndex("share"))).sum(), 1e-9);

        Dataset<Row> ranks = sweep.table(MoeAttributionJob.EXPERT_RANK).where("model = 'shallow' and task = 'capital'");
        Row first = ranks.where("rank = 1").first();
        assertEquals(ranks.agg(max("agg_lpi")).first().getDouble(0),
                first.getDouble(first.fieldIndex("agg_lpi")), 1e-12);
        double agg = sweep.table(MoeAttributionJob.EXPERT_LPI).where(col("model_id").equalTo("shallow")
                .and(col("task").equalTo("capital")).and(col("selected"))
                .and(col("layer").equalTo(first.getInt(first.fieldIndex("layer"))))
                .and(col("expert_id").equalTo(first.getInt(first.fieldIndex("expert_id"))))).agg(sum("lpi")).first().getDouble(0);
        assertEquals(agg, first.getDouble(first.fieldIndex("agg_lpi")), 1e-9);

        Dataset<Row> corr = sweep.table(MoeAttributionJob.HEAD_EXPERT_CORR);
        assertEquals(0, corr.where("model = 'dense'").count(), "no experts, no coupling");
        assertEquals(6 + 1, corr.where("model = 'shallow' and definition = 'pooled'").count(), "each task and ALL");
        Row profile = corr.where("model = 'shallow' and definition = 'profile'").first();
        assertEquals(MOE_LAYERS, profile.getInt(profile.fieldIndex("n")));
        Row pooled = corr.where("model = 'shallow' and definition = 'pooled' and task = 'ALL'").first();
        assertEquals(SAMPLES * MOE_LAYERS, pooled.getInt(pooled.fieldIndex("n")), "(sample, MoE layer) pairs");
        Dataset<Row> x = sweep.table(MoeAttributionJob.HEAD_LPI).where("model_id = 'shallow'").groupBy("sample_id", "layer")
                .agg(sum(org.apache.spark.sql.functions.expr("greatest(lpi, 0.0)")).as("x"));
        Dataset<Row> y = sweep.table(MoeAttributionJob.EXPERT_LPI).where("model_id = 'shallow' and selected")
                .groupBy("sample_id", "layer").agg(sum(org.apache.spark.sql.functions.expr("greatest(lpi, 0.0)")).as("y"));
        double sparkCorr = x.join(y, new String[] {"sample_id", "layer"}).agg(org.apache.spark.sql.functions.corr("x", "y"))
                .first().getDouble(0);
        assertEquals(sparkCorr, pooled.getDouble(pooled.fieldIndex("pearson_r")), 1e-9, "Spark's corr over the same pairs");

        List<org.neurosweep.methods.moe.ExpertBlocking.RankedPair> read = ExpertRanking.read(
                sweep.sweeps().out().resolve(MoeAttributionJob.EXPERT_RANK), "shallow").get("capital");
        assertEquals(ranks.count(), read.size(), "expert-blocking reads the committed ranking back");
        assertEquals(first.getInt(first.fieldIndex("expert_id")), read.get(0).pair().expert());
        assertEquals(first.getInt(first.fieldIndex("layer")), read.get(0).pair().layer());

        List<String> headlines = new MoeAttributionJob().headlines(sweep::table);
        assertTrue(headlines.stream().anyMatch(h -> h.startsWith("shallow:") && h.contains("eta")), headlines.toString());
        assertTrue(headlines.stream().anyMatch(h -> h.contains("stage middle")), headlines.toString());

        // the report section: per model, layer LPIs; the MoE model also has expert usage, expert LPI and head maps
        List<String> titles = new MoeAttributionJob().figures(sweep::table).stream()
                .filter(org.neurosweep.report.Chart::hasData).map(org.neurosweep.report.Chart::title).toList();
        for (String t : List.of("shallow: mean LPI by layer", "dense: mean LPI by layer", "shallow: expert usage",
                "shallow: mean expert LPI", "shallow: mean head LPI", "dense: mean head LPI")) {
            assertTrue(titles.stream().anyMatch(c -> c.startsWith(t)), t + " in " + titles);
        }
        assertTrue(titles.stream().noneMatch(c -> c.startsWith("dense: expert usage")), "a dense model has no experts");
    }

    @Test
    void exampleSweepPlansAttributionAndBlocking() {
        SweepPlan plan = TestSweeps.plan(List.of(new MoeAttributionJob(), new ExpertBlockingJob()),
                RepoPaths.root().resolve("conf/sweeps/moe-attribution.conf"),
                "sweep.models.moe_deep.path=" + RepoPaths.world("moe_deep"),
                "sweep.models.moe_shallow.path=" + RepoPaths.world("moe_shallow"),
                "sweep.models.dense.path=" + RepoPaths.world("dense"),
                "sweep.datasets.world_mlama.path=" + RepoPaths.dataset("world/mlama"),
                "sweep.datasets.world_mlama_whole.path=" + RepoPaths.dataset("world/mlama"));
        assertEquals(3 * 2, plan.jobs().get(0).units().size(), "attribution: three models x two shards");
        assertEquals(2, plan.jobs().get(1).units().size(), "blocking: the two MoE models, whole tasks");
        assertEquals(List.of("capital", "continent", "language"),
                plan.units().get(0).params().getStringList(MoeAttributionJob.TASKS));
        assertEquals(300, plan.units().get(0).params().getInt(MoeAttributionJob.TOP_NEURONS));
    }
}
