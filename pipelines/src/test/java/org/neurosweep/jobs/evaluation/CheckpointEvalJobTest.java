package org.neurosweep.jobs.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.exec.SweepResult;
import org.neurosweep.methods.probe.WorldEval;
import org.neurosweep.testjobs.SweepRun;
import org.neurosweep.testjobs.TestSweeps;
import org.neurosweep.testutil.RepoPaths;

/**
 * checkpoint-eval in local[2] over two short series of the dense run (steps 250, 500 and 1000, 2000): its probe and
 * instruction figures are those of each checkpoint's eval file (every checkpoint of both world series is checked
 * at the method level by the core tests; the MoE series is left out here for time), its aggregate rows follow from
 * its item rows, and the driver summary covers every curve, group pair and series pair, once.
 */
class CheckpointEvalJobTest {

    private static final List<String> EARLY = List.of("dense-step00250", "dense-step00500");
    private static final List<String> LATE = List.of("dense-step01000", "dense-step02000");
    private static final int LINES = 40;
    private static final int QUESTIONS = 12;

    @TempDir
    static Path dir;
    private static SweepRun sweep;

    @BeforeAll
    static void runSweep() throws Exception {
        sweep = SweepRun.of(dir, "dynamics.conf", """
                sweep {
                  name = dynamics
                  checkpoints {
                    early { paths = ["%s", "%s"] }
                    late { paths = ["%s", "%s"] }
                  }
                  datasets {
                    heldout { format = text, path = "%s", max-records = %d }
                    facts { format = mlama, path = "%s" }
                    instruct { format = instructions, path = "%s" }
                    mc { format = multiple-choice, path = "%s", max-records = %d }
                  }
                  jobs = [ { job = checkpoint-eval, models = [early, late], datasets = [heldout, facts, instruct, mc],
                             params { tokens-per-step = 8192 } } ]
                }
                """.formatted(RepoPaths.world(EARLY.get(0)), RepoPaths.world(EARLY.get(1)), RepoPaths.world(LATE.get(0)),
                RepoPaths.world(LATE.get(1)), RepoPaths.dataset("world/pretrain.txt"), LINES,
                RepoPaths.dataset("world/mlama"), RepoPaths.dataset("world/instruct.jsonl"),
                RepoPaths.dataset("world/world_mc.jsonl"), QUESTIONS), List.of(new CheckpointEvalJob()));
    }

    @Test
    void everyUnitAndTheSummaryCommitOnceAndAResumeSkipsThem() throws Exception {
        assertEquals(4 * 4 + 1, sweep.result().committed(), "4 checkpoints x 4 benchmarks, and the driver summary");
        assertEquals(0, sweep.result().failed());
        SweepResult again = TestSweeps.run(sweep.plan());
        assertEquals(0, again.committed());
        assertEquals(4 * 4 + 1, again.alreadyCommitted());
        assertEquals(1, sweep.table(CheckpointEvalJob.LEAD_LAG).select("unit_id").distinct().count());
    }

    @Test
    void probeAndInstructionFiguresAreThoseOfTheEvalFiles() {
        for (String checkpoint : concat(EARLY, LATE)) {
            WorldEval reference = WorldEval.of(checkpoint);
            List<Row> probe = scores(checkpoint, "facts").where("subtask like '%.%.%'").collectAsList();
            assertEquals(28, probe.size(), checkpoint + ": the probe cells of the eval file");
            for (Row r : probe) {
                String[] key = r.getString(r.fieldIndex("subtask")).split("\\.");
                Double expected = reference.probe(key[0], key[1], key[2].equals("seen"));
                assertNotNull(expected, r.toString());
                assertEquals(expected, r.getDouble(r.fieldIndex("value")), 1e-12, checkpoint + " " + r);
            }
            List<Row> instruct = scores(checkpoint, "instruct").where("subtask != 'all'").collectAsList();
            assertEquals(Set.copyOf(reference.instructCategories()),
                    Set.copyOf(instruct.stream().map(r -> r.getString(r.fieldIndex("subtask"))).toList()));
            for (Row r : instruct) {
                assertEquals(reference.instruct(r.getString(r.fieldIndex("subtask"))), r.getDouble(r.fieldIndex("value")),
                        1e-12, checkpoint + " " + r);
            }
        }
    }

    @Test
    void aggregatesFollowFromTheItems() {
        Dataset<Row> items = sweep.table(CheckpointEvalJob.ITEMS);
        for (String checkpoint : concat(EARLY, LATE)) {
            Row lines = items.where(col("checkpoint").equalTo(checkpoint).and(col("dataset").equalTo("heldout")))
                    .agg(sum("nll"), sum("tokens"), count("*")).first();
            assertEquals(LINES, lines.getLong(2));
            Row ppl = scores(checkpoint, "heldout").where("metric = 'perplexity'").first();
            assertEquals(Math.exp(lines.getDouble(0) / lines.getLong(1)), ppl.getDouble(ppl.fieldIndex("value")), 1e-9);
            List<Row> mc = items.where(col("checkpoint").equalTo(checkpoint).and(col("dataset").equalTo("mc"))).collectAsList();
            assertEquals(QUESTIONS, mc.size());
            long correct = mc.stream().filter(r -> r.getBoolean(r.fieldIndex("correct"))).count();
            Row acc = scores(checkpoint, "mc").where("metric = 'accuracy'").first();
            assertEquals((double) correct / QUESTIONS, acc.getDouble(acc.fieldIndex("value")), 1e-12);
            assertEquals(0.25, acc.getDouble(acc.fieldIndex("random_baseline")), 1e-12, "four choices each");
            assertEquals(Long.parseLong(checkpoint.substring(checkpoint.length() - 5)) * 8192,
                    acc.getLong(acc.fieldIndex("tokens_seen")));
        }
    }

    @Test
    void summaryCoversEveryCurveGroupPairAndSeriesPair() {
        long curves = sweep.table(CheckpointEvalJob.SCORES).select("model_id", "dataset", "subtask", "metric").distinct().count();
        Dataset<Row> features = sweep.table(CheckpointEvalJob.FEATURES);
        assertEquals(curves, features.count());
        assertEquals(0, features.where("n_checkpoints != 2 or progress_unit != 'tokens'").count());
        assertTrue(features.where("phase_label not in ('early', 'mid', 'late', 'flat')").isEmpty());
        Row ppl = features.where("series = 'early' and benchmark = 'heldout' and metric = 'mean_nll'").first();
        assertEquals(500.0 * 8192, ppl.getDouble(ppl.fieldIndex("last_progress")));

        Dataset<Row> lags = sweep.table(CheckpointEvalJob.LEAD_LAG);
        assertEquals(2 * 6, lags.count(), "two series x pairs of the four capability groups");
        assertEquals(lags.count(), lags.where("best_lag is null").count(), "two checkpoints are too few for a lag");

        Dataset<Row> alignment = sweep.table(CheckpointEvalJob.ALIGNMENT);
        long shared = sweep.table(CheckpointEvalJob.SCORES).select("dataset", "subtask", "metric").distinct().count();
        assertEquals(shared, alignment.count(), "one fraction alignment per metric; the token ranges do not overlap");
        assertEquals(0, alignment.where("alignment != 'fraction' or progress_from != 0.5 or progress_to != 1.0").count());
    }

    @Test
    void headlinesFollowEachSeries() {
        List<String> lines = new CheckpointEvalJob().headlines(sweep::table);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("early heldout perplexity by step: 250=")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("late facts accuracy by step: 1000=")), lines.toString());
    }

    private static Dataset<Row> scores(String checkpoint, String dataset) {
        return sweep.table(CheckpointEvalJob.SCORES).where(col("checkpoint").equalTo(checkpoint)
                .and(col("dataset").equalTo(dataset)));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
