package org.neurosweep.jobs.probe;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.methods.probe.WorldEval;
import org.neurosweep.testjobs.SweepRun;
import org.neurosweep.testutil.RepoPaths;

/**
 * mlama-probe and lrp2 in one local[2] sweep over the small dense world model: the exact-match probe over two shards
 * adds up to the model's eval file, the ranking mode's columns are consistent, and LRP2 writes its vectors, its dev
 * grid, and test results with English unprojected.
 */
class ProbeJobsTest {

    private static final String MODEL = "dense_small";
    private static final int LAYERS = 3;
    private static final int RANKED_FACTS = 6;

    @TempDir
    static Path dir;
    private static SweepRun sweep;

    @BeforeAll
    static void runSweep() throws Exception {
        sweep = SweepRun.of(dir, "probe.conf", """
                sweep {
                  name = probe
                  models { small { path = "%s" } }
                  datasets {
                    facts { format = mlama, path = "%s", shards = 2 }
                    few { format = mlama, path = "%s", max-records = %d }
                    lrp2 { format = mlama-corpus, path = "%s",
                           options { mlama = mlama, corpus = pretrain.txt, corpus-templates = world_kb.json } }
                    sharded { format = mlama-corpus, path = "%s", shards = 2,
                              options { mlama = mlama, corpus = pretrain.txt, corpus-templates = world_kb.json } }
                  }
                  jobs = [
                    { job = mlama-probe, models = [small], datasets = [facts], params { mode = exact-match } }
                    { job = mlama-probe, models = [small], datasets = [few], params { mode = rank, max-candidates = 5 } }
                    { job = lrp2, models = [small], datasets = [lrp2],
                      params { mode = exact-match, languages = [en, fr], layer-pairs = ["1-2", "2-3"], max-sentences = 32 } }
                    { job = lrp2, models = [small], datasets = [sharded], params { mode = exact-match, languages = [en, fr] } }
                  ]
                }
                """.formatted(RepoPaths.world(MODEL), RepoPaths.dataset("world/mlama"), RepoPaths.dataset("world/mlama"),
                RANKED_FACTS, RepoPaths.dataset("world"), RepoPaths.dataset("world")), List.of(new MlamaProbeJob(), new Lrp2Job()));
    }

    @Test
    void everyUnitButTheShardedLrp2Commits() {
        assertEquals(2 + 1 + 1, sweep.result().committed(), "two probe shards, one ranked probe, one lrp2");
        assertEquals(2, sweep.result().failed(), "lrp2 refuses each shard of a sharded dataset");
        assertTrue(sweep.result().failures().get(0).error().contains("shards = 1"), sweep.result().failures().get(0).error());
    }

    @Test
    void exactMatchShardsAddUpToTheEvalFile() {
        Dataset<Row> items = sweep.table(MlamaProbeJob.ITEMS).where("mode = 'exact-match'");
        assertEquals(4 * 4 * 60, items.count(), "4 languages x 4 relations x 60 countries");
        assertEquals(items.count(), items.select("uuid", "language").distinct().count(), "each fact once across shards");
        List<Row> cells = sweep.table(MlamaProbeJob.ACCURACY).where("mode = 'exact-match'")
                .groupBy("language", "relation", "seen_in_pretraining")
                .agg(sum(col("n_correct")).as("correct"), sum(col("n_facts")).as("facts")).collectAsList();
        WorldEval reference = WorldEval.of(MODEL);
        assertEquals(28, cells.size(), "seen and unseen cells; English has no unseen facts");
        for (Row c : cells) {
            Double expected = reference.probe(c.getString(0), c.getString(1), c.getBoolean(2));
            assertNotNull(expected, c.toString());
            assertEquals(Math.round(expected * c.getLong(4)), c.getLong(3), c.toString());
        }
    }

    @Test
    void rankModeColumnsAreConsistent() {
        List<Row> rows = sweep.table(MlamaProbeJob.ITEMS).where("mode = 'rank'").collectAsList();
        assertEquals(4 * 4 * RANKED_FACTS, rows.size(), "max-records facts per relation file");
        for (Row r : rows) {
            List<String> candidates = r.getList(r.fieldIndex("candidates"));
            int rank = r.getInt(r.fieldIndex("gold_rank"));
            assertTrue(candidates.size() <= 5 && candidates.contains(r.getString(r.fieldIndex("obj_label"))));
            assertTrue(rank >= 1 && rank <= candidates.size());
            assertEquals(rank == 1, r.getBoolean(r.fieldIndex("correct")));
            assertEquals(1.0 / rank, r.getDouble(r.fieldIndex("reciprocal_rank")), 1e-12);
            assertEquals(r.getString(r.fieldIndex("uuid")), r.getString(r.fieldIndex("example_id")));
            assertEquals(candidates.size(), r.getList(r.fieldIndex("candidate_logprob_sums")).size());
        }
    }

    @Test
    void lrp2WritesVectorsGridAndTestResults() {
        Dataset<Row> vectors = sweep.table(Lrp2Job.VECTORS);
        assertEquals(2 * LAYERS, vectors.count(), "en and fr, every layer");
        Row v = vectors.first();
        assertEquals(64, v.getList(v.fieldIndex("vector")).size(), "d_model of dense_small");

        Dataset<Row> grid = sweep.table(Lrp2Job.GRID);
        assertEquals(1 + 2, grid.count(), "fr: no projection and two layer pairs");
        assertEquals(0, grid.where("language = 'en'").count(), "English is never searched");

        Dataset<Row> items = sweep.table(Lrp2Job.ITEMS);
        assertEquals(0, items.where("language = 'en' and condition = 'lrp2'").count());
        long frBase = items.where("language = 'fr' and condition = 'base'").count();
        assertTrue(frBase > 0);
        assertEquals(frBase, items.where("language = 'fr' and condition = 'lrp2'").count());
        assertEquals(items.where("language = 'en'").count(), frBase, "the same test facts in every language");

        Row fr = sweep.table(Lrp2Job.SUMMARY).where("language = 'fr'").first();
        Row en = sweep.table(Lrp2Job.SUMMARY).where("language = 'en'").first();
        assertTrue(en.isNullAt(en.fieldIndex("best_lirp")));
        assertEquals(en.getDouble(en.fieldIndex("accuracy_base")), en.getDouble(en.fieldIndex("accuracy_lrp2")));
        assertEquals(en.getDouble(en.fieldIndex("accuracy_base")) - fr.getDouble(fr.fieldIndex("accuracy_lrp2")),
                fr.getDouble(fr.fieldIndex("gap_lrp2")), 1e-12);
        assertFalse(fr.isNullAt(fr.fieldIndex("best_lirp")));
        List<String> headlines = new Lrp2Job().headlines(sweep::table);
        assertTrue(headlines.stream().anyMatch(h -> h.contains("fr") && h.contains("gap to en")), headlines.toString());
    }

    @Test
    void lrp2LayerSimilarityComparesEachLanguageWithEnglishPerLayer() {
        Dataset<Row> similarity = sweep.table(Lrp2Job.SIMILARITY);
        assertEquals(2 * LAYERS, similarity.count(), "en and fr, every layer");
        long frTest = sweep.table(Lrp2Job.ITEMS).where("language = 'fr' and condition = 'base'").count();
        for (Row r : similarity.where("language = 'en'").collectAsList()) {
            assertTrue(r.isNullAt(r.fieldIndex("lirp_layer")), "English is never projected");
            assertEquals(1.0, r.getDouble(r.fieldIndex("mean_cosine_base")), 1e-9, "English against itself");
            assertEquals(r.getDouble(r.fieldIndex("mean_cosine_base")), r.getDouble(r.fieldIndex("mean_cosine_lrp2")));
        }
        Row fr = sweep.table(Lrp2Job.SUMMARY).where("language = 'fr'").first();
        int lirp = fr.getInt(fr.fieldIndex("best_lirp"));
        for (Row r : similarity.where("language = 'fr'").collectAsList()) {
            assertEquals(lirp, r.getInt(r.fieldIndex("lirp_layer")), "the dev-selected pair");
            assertEquals(fr.getInt(fr.fieldIndex("best_lsrp")), r.getInt(r.fieldIndex("lsrp_layer")));
            assertEquals(frTest, r.getLong(r.fieldIndex("n_pairs")), "every fr test fact has its English twin");
            double base = r.getDouble(r.fieldIndex("mean_cosine_base"));
            double lrp2 = r.getDouble(r.fieldIndex("mean_cosine_lrp2"));
            assertTrue(base > -1 && base < 1 - 1e-6, "fr and en queries differ: " + r);
            if (r.getInt(r.fieldIndex("layer")) < lirp) {
                assertEquals(base, lrp2, 1e-12, "blocks before the LIRP layer run unchanged: " + r);
            } else if (r.getInt(r.fieldIndex("layer")) == lirp) {
                assertNotEquals(base, lrp2, "the LIRP shift moves the representation: " + r);
            }
        }
    }
}
