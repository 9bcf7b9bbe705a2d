package org.neurosweep.jobs.moe;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.testjobs.SweepRun;
import org.neurosweep.testutil.RepoPaths;

/**
 * expert-blocking on the world model moe_deep (Qwen2-MoE with a shared expert) over the English capital and continent
 * facts: every (task, selection, mode, k) cell is written, its original MRR is that of the per-sample rows, the
 * default configuration reproduces the original ranks, and a dense model is refused.
 */
class ExpertBlockingJobTest {

    private static final int FACTS = 6;

    @TempDir
    static Path dir;
    private static SweepRun sweep;

    @BeforeAll
    static void runSweep() throws Exception {
        sweep = SweepRun.of(dir, "blocking.conf", """
                sweep {
                  name = blocking
                  models {
                    deep { path = "%s" }
                    dense { path = "%s" }
                  }
                  datasets { facts { format = mlama, path = "%s", max-records = %d } }
                  jobs = [
                    { job = expert-blocking, models = [deep, dense], datasets = [facts],
                      params { languages = [en], tasks = [capital, continent], k = [1, 3],
                               configs = [top1, shared, shared-top1, default], control-seed = 3,
                               inhibit-heads = 3, router-ig-steps = 8 } }
                  ]
                }
                """.formatted(RepoPaths.world("moe_deep"), RepoPaths.world("dense_small"), RepoPaths.dataset("world/mlama"),
                FACTS), List.of(new ExpertBlockingJob()));
    }

    @Test
    void everyCellIsWrittenAndADenseModelIsRefused() {
        assertEquals(1, sweep.result().committed());
        assertEquals(1, sweep.result().failed());
        assertTrue(sweep.result().failures().get(0).error().contains("needs an MoE model"),
                sweep.result().failures().get(0).error());
        Dataset<Row> blocking = sweep.table(ExpertBlockingJob.BLOCKING);
        assertEquals(2 * 2 * 2 * 2, blocking.count(), "tasks x selections x modes x k");
        for (Row r : blocking.collectAsList()) {
            List<String> pairs = r.getList(r.fieldIndex("blocked"));
            assertEquals(r.getInt(r.fieldIndex("k")), pairs.size(), r.toString());
            assertEquals(pairs.size(), new HashSet<>(pairs).size(), "distinct pairs");
            assertEquals(FACTS, r.getInt(r.fieldIndex("n_samples")));
        }
        Dataset<Row> eval = sweep.table(ExpertBlockingJob.EVAL);
        assertEquals(2L * FACTS * (1 + 8 + 4), eval.count(), "per task: original, 8 blocked cells, 4 configurations");
    }

    // step 9 (iii): one row per sample, selected expert at t* and head of a layer <= the router's; on the first MoE
    // layer (a smooth path from the heads) the head IGs add up to the logit change (completeness)
    @Test
    void routerIntegratedGradientsCoverEverySelectedExpert() {
        Dataset<Row> ig = sweep.table(ExpertBlockingJob.ROUTER_IG);
        int layers = 6;
        int heads = 4;
        int topK = 2;
        long perSample = 0;
        for (int l = 0; l < layers; l++) {
            perSample += (long) topK * (l + 1) * heads;
        }
        assertEquals(2 * FACTS * perSample, ig.count(), "samples x selected experts x heads at or below the router");
        assertEquals(0, ig.where("head_layer > layer").count());
        List<Row> sums = ig.where("layer = 0").groupBy("sample_id", "layer", "expert")
                .agg(sum("ig").as("s"), first("logit").as("z"), first("logit_baseline").as("z0")).collectAsList();
        assertEquals(2 * FACTS * topK, sums.size());
        for (Row r : sums) {
            double change = r.getDouble(r.fieldIndex("z")) - r.getDouble(r.fieldIndex("z0"));
            assertEquals(change, r.getDouble(r.fieldIndex("s")), 0.1 * Math.abs(change) + 5e-3, "m = 8: " + r);
        }
    }

    @Test
    void originalAndDefaultAgree() {
        for (String task : List.of("capital", "continent")) {
            double mrr = sweep.table(ExpertBlockingJob.EVAL).where("condition = 'original' and task = '" + task + "'")
                    .agg(avg("rr")).first().getDouble(0);
            for (Row r : sweep.table(ExpertBlockingJob.BLOCKING).where("task = '" + task + "'").collectAsList()) {
                assertEquals(mrr, r.getDouble(r.fieldIndex("mrr_orig")), 1e-12);
            }
            Row unchanged = sweep.table(ExpertBlockingJob.ABLATION).where("config = 'default' and task = '" + task + "'").first();
            assertEquals(mrr, unchanged.getDouble(unchanged.fieldIndex("mrr")), 1e-12, "default = no intervention");
        }
        long differing = sweep.table(ExpertBlockingJob.EVAL).where("condition = 'ablate_config' and mode = 'shared'")
                .join(sweep.table(ExpertBlockingJob.EVAL).where("condition = 'original'").select("sample_id", "rank")
                        .withColumnRenamed("rank", "rank0"), "sample_id").where("rank <> rank0").count();
        assertTrue(differing > 0, "dropping every routed expert changes some ranks");
        Dataset<Row> causal = sweep.table(ExpertBlockingJob.CAUSAL);
        assertEquals(2 * 10, causal.count(), "per task: six head_inhibit, two forced_routing and two router_ig metrics");
        for (Row r : causal.where("metric = 'mrr_orig'").collectAsList()) {
            double mrr = sweep.table(ExpertBlockingJob.EVAL).where("condition = 'original' and task = '"
                    + r.getString(r.fieldIndex("task")) + "'").agg(avg("rr")).first().getDouble(0);
            assertEquals(mrr, r.getDouble(r.fieldIndex("value")), 1e-12);
            assertEquals(3, r.getList(r.fieldIndex("heads")).size());
        }
        Row mass = causal.where("metric = 'router_mass_orig'").first();
        assertTrue(mass.getDouble(mass.fieldIndex("value")) > 0 && mass.getDouble(mass.fieldIndex("value")) <= 1);

        Row share = causal.where("metric = 'top_heads_share_pct'").first();
        double pct = share.getDouble(share.fieldIndex("value"));
        assertTrue(pct > 0 && pct < 100, "the 3 top heads carry part of the router IG: " + pct);

        List<String> headlines = new ExpertBlockingJob().headlines(sweep::table);
        assertEquals(4, headlines.size(), headlines.toString());
        List<String> titles = new ExpertBlockingJob().figures(sweep::table).stream()
                .filter(org.neurosweep.report.Chart::hasData).map(org.neurosweep.report.Chart::title).toList();
        assertEquals(List.of("deep failure: MRR drop with k experts blocked", "deep reroute: MRR drop with k experts blocked",
                "deep: integrated gradients of the selected experts' router logits on the heads"), titles);
        assertTrue(headlines.get(0).contains("k=1 random") && headlines.get(0).contains("k=3 top"), headlines.get(0));
    }
}
