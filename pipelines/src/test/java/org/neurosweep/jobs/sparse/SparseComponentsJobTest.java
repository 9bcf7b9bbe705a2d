package org.neurosweep.jobs.sparse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sparse-components in local[2]: the world instructions counted by the dense model in two shards (the category counts
 * pooled over both units match the PyTorch reference), and the HexaInst-layout stand-in counted by the MoE model with
 * one bad line (its ISE sets, expert denominators and AI-vs-human check); the summary's tables agree with each other.
 */
class SparseComponentsJobTest {

    @TempDir
    static Path dir;
    private static SweepRun sweep;

    @BeforeAll
    static void run() throws Exception {
        Path hexa = dir.resolve("hexa.jsonl");
        Files.writeString(hexa, Files.readString(RepoPaths.dataset("world/hexainst_world.jsonl")) + "{\"id\": \"broken\"\n");
        sweep = SweepRun.of(dir, "sparse.conf", """
                sweep {
                  name = sparse
                  models {
                    dense { path = "%s" }
                    moe_deep { path = "%s" }
                  }
                  datasets {
                    world { format = instructions, path = "%s", shards = 2 }
                    hexa { format = instructions, path = "%s" }
                  }
                  jobs = [
                    { job = sparse-components, models = [dense], datasets = [world] }
                    { job = sparse-components, models = [moe_deep], datasets = [hexa], params { eps = [0.01, 0.05], ablation = true } }
                  ]
                }
                """.formatted(RepoPaths.world("dense"), RepoPaths.world("moe_deep"), RepoPaths.dataset("world/instruct.jsonl"),
                hexa), List.of(new SparseComponentsJob()));
    }

    @Test
    void pooledCategoryCountsMatchTheReference() throws Exception {
        assertEquals(0, sweep.result().failed());
        JsonNode reference = new ObjectMapper().readTree(RepoPaths.root()
                .resolve("core/src/test/resources/reference/sparse_components_world.json").toFile()).get("models").get("dense");
        List<Row> pooled = sweep.table(SparseComponentsJob.NEURON_FREQ)
                .where("model_id = 'dense' and level = 'category'")
                .groupBy("category", "layer", "expert_id", "neuron").agg(sum("active_count"), sum("n_tokens")).collectAsList();
        assertEquals(6 * 6 * 384, pooled.size(), "every neuron of every category, once the shards are pooled");
        int differing = 0;
        for (Row r : pooled) {
            JsonNode category = reference.get(r.getString(0));
            String key = r.getInt(1) + "." + r.getInt(2);
            int expected = category.get("gate." + key).get(r.getInt(3)).asInt();
            int diff = Math.abs((int) r.getLong(4) - expected);
            assertTrue(diff <= category.get("near_zero." + key).get(r.getInt(3)).asInt(), r + " vs " + expected);
            assertEquals(category.get("n_tokens").asLong(), r.getLong(5));
            differing += diff == 0 ? 0 : 1;
        }
        assertTrue(differing < 10, differing + " neurons differ from the reference");
    }

    @Test
    void instructionRowsKeepOnlyTheirTopEpsilon() {
        Dataset<Row> instr = sweep.table(SparseComponentsJob.NEURON_FREQ).where("model_id = 'dense' and level = 'instruction'");
        Dataset<Row> sets = sweep.table(SparseComponentsJob.COMPONENTS).where("model = 'dense' and level = 'instruction'");
        assertEquals(sets.count(), instr.count(), "one ε: the frequency rows are the ISN set's members");
        assertEquals(0, sets.where("freq < threshold or kind <> 'ISN' or eps <> 0.01").count());
        // k = ceil(0.01 * 2304) = 24: a set has at least 24 members unless fewer than 24 neurons were ever active
        assertEquals(0, sets.where("set_size < 24").count());
        assertEquals(520, sweep.table(SparseComponentsJob.INSTRUCTIONS).where("model_id = 'dense'").count());
    }

    @Test
    void expertFrequenciesUseEveryTokenAsDenominator() {
        Dataset<Row> experts = sweep.table(SparseComponentsJob.EXPERT_FREQ).where("level = 'category' and expert_id >= 0");
        // top-2: the routed frequencies of a layer's experts sum to 2
        for (Row r : experts.groupBy("category", "source", "layer").agg(sum("freq")).collectAsList()) {
            assertEquals(2.0, r.getDouble(3), 1e-9, r.toString());
        }
        Dataset<Row> neurons = sweep.table(SparseComponentsJob.NEURON_FREQ).where("model_id = 'moe_deep' and level = 'category'");
        assertEquals(0, neurons.where("active_count > routed_count or abs(freq - active_count / n_tokens) > 1e-12").count());
        assertEquals(0, neurons.where("expert_id >= 0 and routed_count > 0 and "
                + "abs(cond_freq - active_count / routed_count) > 1e-12").count());
        assertEquals(0, sweep.table(SparseComponentsJob.EXPERT_FREQ).where("expert_id = -2 and freq <> 1.0").count(),
                "the shared expert sees every token");
    }

    @Test
    void theCausalCheckSwitchesSetsAndTheirRandomControlsOff() {
        Dataset<Row> ablation = sweep.table(SparseComponentsJob.ABLATION_TABLE_NAME);
        assertEquals(6 * (1 + 2 * 4) * 2, ablation.count(), "moe only: 6 categories x (none + 2 eps x 4 targets) x 2 metrics");
        assertEquals(0, ablation.where("target <> 'none' and n_components = 0").count());
        // a random control has the size of its set
        assertEquals(0, ablation.as("r").where("target like 'random_%'").join(ablation.as("s"),
                        col("r.category").equalTo(col("s.category")).and(col("r.eps").equalTo(col("s.eps")))
                                .and(col("r.metric").equalTo(col("s.metric")))
                                .and(col("r.target").equalTo(org.apache.spark.sql.functions.concat(
                                        org.apache.spark.sql.functions.lit("random_"), col("s.target")))))
                .where("r.n_components <> s.n_components").count());
        assertEquals(6 * 2 * 2 * 2, ablation.where("target like 'random_%'").count());
        assertTrue(ablation.where("target = 'ISN' and metric = 'logprob_ref' and abs(drop) > 1e-3").count() > 0,
                "zeroing a category's neurons changes how the model scores its reference outputs");
    }

    @Test
    void aBadLineBecomesAnErrorRow() {
        List<Row> errors = sweep.table("errors").collectAsList();
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).mkString(" ").contains("97"), "names the line: " + errors.get(0));
    }

    @Test
    void summaryTablesAgree() {
        Dataset<Row> genUniq = sweep.table(SparseComponentsJob.GEN_UNIQ);
        Dataset<Row> components = sweep.table(SparseComponentsJob.COMPONENTS).where("level = 'category'");
        assertEquals(Map.of("dense", 1L, "moe_deep", 4L), genUniq.where("category = 'ALL'").groupBy("model").count()
                .collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1))),
                "dense: ISN at one ε; moe: ISN and ISE at two");
        // |S_c| = the category-level members of p2_components; the ALL row = the membership table's union
        Map<String, Long> members = counts(components.groupBy("model", "eps", "kind", "category").count());
        Map<String, Long> sizes = counts(genUniq.where("category <> 'ALL'")
                .selectExpr("model", "eps", "kind", "category", "cast(n_set as long)"));
        assertEquals(members, sizes);
        Dataset<Row> membership = sweep.table(SparseComponentsJob.MEMBERSHIP);
        assertEquals(counts(membership.groupBy("model", "eps", "kind").count()),
                counts(genUniq.where("category = 'ALL'").selectExpr("model", "eps", "kind", "cast(n_set as long)")));
        assertEquals(counts(membership.where("m_count = 6").groupBy("model", "eps", "kind").count()),
                counts(genUniq.where("category = 'ALL' and n_general > 0")
                        .selectExpr("model", "eps", "kind", "cast(n_general as long)")));
        for (Row all : genUniq.where("category = 'ALL'").collectAsList()) {
            List<Integer> histogram = all.getList(all.fieldIndex("membership_histogram"));
            assertEquals(all.<Integer>getAs("n_set"), histogram.stream().mapToInt(Integer::intValue).sum());
            assertEquals(all.<Integer>getAs("n_unique"), histogram.get(0));
            assertEquals(all.<Integer>getAs("n_general"), histogram.get(histogram.size() - 1));
        }
        assertEquals(0, sweep.table(SparseComponentsJob.OVERLAP).where("n_inter > n_a or n_inter > n_b").count());
        assertEquals(0, sweep.table(SparseComponentsJob.LAYER_DIST).where("frac < 0 or frac > 1").count());
        assertEquals(6 * 2 * 2, sweep.table(SparseComponentsJob.SOURCE_CHECK).count(), "hexa only: 6 categories x 2 eps x 2 kinds");
        assertEquals(0, sweep.table(SparseComponentsJob.GEN_UNIQ)
                .where("category <> 'ALL' and (instruction_coverage <= 0 or instruction_coverage > 1)").count());
    }

    // "model eps kind [category]" -> the last column, a count
    private static Map<String, Long> counts(Dataset<Row> rows) {
        return rows.collectAsList().stream().collect(Collectors.toMap(
                r -> r.get(0) + " " + r.get(1) + " " + r.get(2) + (r.size() > 4 ? " " + r.get(3) : ""),
                r -> r.getLong(r.size() - 1)));
    }

    @Test
    void headlinesNameEveryCategorySetAndSurviveEmptyTables() {
        List<String> lines = new SparseComponentsJob().headlines(sweep::table);
        assertEquals(5, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).contains("arithmetic=") && lines.get(0).contains("general"), lines.get(0));
        assertTrue(new SparseComponentsJob().headlines(name -> sweep.table(name).limit(0)).isEmpty());
        assertTrue(new SparseComponentsJob().headlines(name -> TestSpark.session().emptyDataFrame()).isEmpty(), "no unit wrote");
    }

    @Test
    void theReportDrawsEachAnalysisFromTheSummaryTables() {
        List<Chart> charts = new SparseComponentsJob().figures(sweep::table);
        List<String> titles = charts.stream().map(Chart::title).toList();
        // dense: ISN at one eps; moe_deep: ISN and ISE at two eps -> 5 analyses, each a layer, overlap and generality chart
        assertEquals(5, titles.stream().filter(t -> t.contains("per layer")).count(), titles.toString());
        assertEquals(5, titles.stream().filter(t -> t.contains("Jaccard of the category ")).count(), titles.toString());
        assertEquals(5, titles.stream().filter(t -> t.contains("general and unique")).count(), titles.toString());
        assertTrue(titles.contains("moe_deep: fraction of tokens routed to each expert"), titles.toString());
        assertTrue(titles.contains("moe_deep: change of the reference's log-probability"), titles.toString());
        assertEquals(17, charts.size(), titles.toString());
        assertTrue(charts.stream().allMatch(Chart::hasData), titles.toString());
        // the overlap map is the table: cell (cat_a, cat_b) = its jaccard, the diagonal empty
        Chart.Heatmap overlap = (Chart.Heatmap) charts.stream().filter(c -> c.title().equals(
                "dense: Jaccard of the category ISN sets (ε = 0.01)")).findFirst().orElseThrow();
        Row cell = sweep.table(SparseComponentsJob.OVERLAP).where("model = 'dense' AND kind = 'ISN'").orderBy("cat_a", "cat_b").first();
        assertEquals(cell.<Double>getAs("jaccard"), overlap.values()[overlap.rows().indexOf(cell.<String>getAs("cat_a"))]
                [overlap.columns().indexOf(cell.<String>getAs("cat_b"))], 1e-12);
        assertTrue(Double.isNaN(overlap.values()[0][overlap.columns().indexOf(overlap.rows().get(0))]));
        // routed experts of a layer share the top-k: each row of the usage map sums to k = 2 (moe_deep routes to 2 of 8)
        Chart.Heatmap usage = (Chart.Heatmap) charts.stream().filter(c -> c.title().startsWith("moe_deep: fraction")).findFirst()
                .orElseThrow();
        assertEquals(6, usage.rows().size());
        for (double[] layer : usage.values()) {
            assertEquals(2.0, java.util.Arrays.stream(layer).sum(), 1e-9);
        }
        assertTrue(new SparseComponentsJob().figures(name -> sweep.table(name).limit(0)).isEmpty(), "empty tables: no chart");
    }

    @Test
    void badParametersAreConfigErrors() throws Exception {
        TestSweeps sweeps = new TestSweeps(Files.createDirectories(dir.resolve("bad")));
        Path conf = sweeps.conf("bad.conf", """
                sweep {
                  name = bad
                  models { dense { path = "%s" } }
                  datasets { world { format = instructions, path = "%s" } }
                  jobs = [ { job = sparse-components, models = [dense], datasets = [world], params { eps = [0], criterion = sign } } ]
                }
                """.formatted(RepoPaths.world("dense"), RepoPaths.dataset("world/instruct.jsonl")));
        SweepConfigException e = assertThrows(SweepConfigException.class,
                () -> TestSweeps.plan(List.of(new SparseComponentsJob()), conf));
        assertTrue(e.getMessage().contains("params.eps") && e.getMessage().contains("criterion"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }
}
