package org.neurosweep.jobs.sparse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.sweep.SweepConfigException;
import org.neurosweep.report.Chart;
import org.neurosweep.testjobs.SweepRun;
import org.neurosweep.testjobs.TestSpark;
import org.neurosweep.testjobs.TestSweeps;
import org.neurosweep.testutil.RepoPaths;

import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sparse-components-compare in local[2] on the HexaInst-layout world instructions. */
class SparseComponentsCompareJobTest {

    @TempDir
    static Path dir;
    private static SweepRun sweep;

    @BeforeAll
    static void run() throws Exception {
        sweep = SweepRun.of(dir, "compare.conf", sweepConf("""
                { job = sparse-components-compare, models = [dense], datasets = [hexa], params { tuned = [dense] } }
                { job = sparse-components-compare, models = [dense, moe_deep], datasets = [hexa],
                  params { tuned = [dense_instruct, moe_deep_instruct] } }
                """), List.of(new SparseComponentsCompareJob()));
    }

    private static String sweepConf(String jobs) {
        return """
                sweep {
                  name = compare
                  models {
                    dense { path = "%s" }
                    dense_instruct { path = "%s" }
                    moe_deep { path = "%s" }
                    moe_deep_instruct { path = "%s" }
                  }
                  datasets { hexa { format = instructions, path = "%s" } }
                  jobs = [ %s ]
                }
                """.formatted(RepoPaths.world("dense"), RepoPaths.world("dense_instruct"), RepoPaths.world("moe_deep"),
                RepoPaths.world("moe_deep_instruct"), RepoPaths.dataset("world/hexainst_world.jsonl"), jobs);
    }

    @Test
    void aModelComparedWithItselfKeepsEveryComponent() {
        assertEquals(0, sweep.result().failed());
        Dataset<Row> same = sweep.table(SparseComponentsCompareJob.BASE_VS_FT).where("tuned_model = 'dense'");
        assertEquals(6 * 7, same.count(), "6 categories x (all layers + 6 layers), one eps, ISN only");
        assertEquals(0, same.where("n_added <> 0 or n_removed <> 0 or n_base <> n_ft").count());
        assertEquals(0, same.where("n_base > 0 and jaccard <> 1.0").count());
        assertEquals(0, same.where("spearman_freq is not null and abs(spearman_freq - 1) > 1e-12").count());
    }

    @Test
    void instructionTuningMovesTheSets() {
        for (String tuned : List.of("dense_instruct", "moe_deep_instruct")) {
            Dataset<Row> whole = sweep.table(SparseComponentsCompareJob.BASE_VS_FT)
                    .where("layer is null and kind = 'ISN' and tuned_model = '" + tuned + "'");
            assertEquals(6, whole.count());
            assertTrue(whole.where("jaccard < 0.95").count() >= 1, tuned + ": some category's set moved");
            assertEquals(0, whole.where("n_added <> n_ft - n_inter or n_removed <> n_base - n_inter").count());
            // per-layer sets partition the whole set
            Row layers = sweep.table(SparseComponentsCompareJob.BASE_VS_FT)
                    .where("layer is not null and kind = 'ISN' and tuned_model = '" + tuned + "'")
                    .agg(sum("n_base"), sum("n_ft"), sum("n_inter")).first();
            Row all = whole.agg(sum("n_base"), sum("n_ft"), sum("n_inter")).first();
            assertEquals(all, layers);
        }
    }

    @Test
    void theExpertShiftCoversEveryLayerAndExpert() {
        Dataset<Row> shift = sweep.table(SparseComponentsCompareJob.EXPERT_SHIFT);
        assertEquals((6 + 1) * 6 * 8, shift.count(), "(6 categories + ALL) x 6 layers x 8 experts, moe only");
        // each model routes k = 2 experts per token: a layer's frequencies sum to 2 on both sides, so Δf sums to 0
        for (Row r : shift.groupBy("category", "layer").agg(sum("freq_base"), sum("freq_ft"), sum("delta_freq")).collectAsList()) {
            assertEquals(2.0, r.getDouble(2), 1e-9);
            assertEquals(2.0, r.getDouble(3), 1e-9);
            assertEquals(0.0, r.getDouble(4), 1e-9);
        }
        assertEquals(6 * 7, sweep.table(SparseComponentsCompareJob.BASE_VS_FT).where("kind = 'ISE'").count(),
                "ISE, moe only: 6 categories x (all layers + 6 layers)");
    }

    @Test
    void theReportDrawsTheSetsKeptPerLayerAndTheRoutingShift() {
        List<Chart> charts = new SparseComponentsCompareJob().figures(sweep::table);
        List<String> titles = charts.stream().map(Chart::title).toList();
        assertEquals(List.of("dense → dense: ISN sets kept by tuning (ε = 0.01)", "dense → dense_instruct: ISN sets kept by tuning (ε = 0.01)",
                "moe_deep → moe_deep_instruct: ISE sets kept by tuning (ε = 0.01)",
                "moe_deep → moe_deep_instruct: ISN sets kept by tuning (ε = 0.01)",
                "moe_deep → moe_deep_instruct: change of the routed fraction (tuned − base)"), titles);
        // a model compared with itself keeps every set: one curve per category over the 6 layers, Jaccard 1 wherever a
        // layer has members (a layer without any has no Jaccard: a gap)
        Chart.Line self = (Chart.Line) charts.get(0);
        assertEquals(6, self.series().size());
        for (Chart.Series s : self.series()) {
            assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, s.x(), s.name());
            assertTrue(java.util.Arrays.stream(s.y()).filter(Double::isFinite).allMatch(y -> y == 1.0), s.name());
        }
        assertTrue(self.hasData());
        Chart.Heatmap shift = (Chart.Heatmap) charts.get(4);
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7"), shift.columns());
        for (double[] layer : shift.values()) {
            assertEquals(0.0, java.util.Arrays.stream(layer).sum(), 1e-9, "both models route k = 2 experts a token");
        }
        assertTrue(new SparseComponentsCompareJob().figures(name -> sweep.table(name).limit(0)).isEmpty());
    }

    @Test
    void headlinesGiveTheJaccardOfEveryPair() {
        List<String> lines = new SparseComponentsCompareJob().headlines(sweep::table);
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("dense -> dense_instruct") && l.contains("arithmetic=")));
        assertTrue(new SparseComponentsCompareJob().headlines(name -> sweep.table(name).limit(0)).isEmpty());
        assertTrue(new SparseComponentsCompareJob().headlines(name -> TestSpark.session().emptyDataFrame()).isEmpty(), "no unit wrote");
    }

    @Test
    void differentArchitecturesOrAMissingPartnerAreConfigErrors() throws Exception {
        TestSweeps sweeps = new TestSweeps(Files.createDirectories(dir.resolve("bad")));
        Path mixed = sweeps.conf("mixed.conf", sweepConf("""
                { job = sparse-components-compare, models = [dense], datasets = [hexa], params { tuned = [moe_deep] } }"""));
        SweepConfigException e = assertThrows(SweepConfigException.class,
                () -> TestSweeps.plan(List.of(new SparseComponentsCompareJob()), mixed));
        assertTrue(e.getMessage().contains("dense and moe_deep differ"), e.getMessage());
        Path missing = sweeps.conf("missing.conf", sweepConf("""
                { job = sparse-components-compare, models = [dense, moe_deep], datasets = [hexa], params { tuned = [dense_instruct] } }"""));
        e = assertThrows(SweepConfigException.class, () -> TestSweeps.plan(List.of(new SparseComponentsCompareJob()), missing));
        assertTrue(e.getMessage().contains("one tuned model per base model"), e.getMessage());
    }
}
