package org.neurosweep.jobs.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.exec.SweepResult;
import org.neurosweep.methods.evaluation.ParameterCount;
import org.neurosweep.methods.evaluation.PowerLawFit;
import org.neurosweep.methods.probe.WorldEval;
import org.neurosweep.model.ModelConfig;
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

    private static final List<String> SERIES = List.of("dense-step00250", "dense-step00500", "dense-step01000",
            "dense-step02000", "dense-step04000");
    private static final int PER_KIND = 16;
    private static final double FIT_FRACTION = 0.4;

    @TempDir
    static Path dir;
    private static SweepRun sweep;
    /** One five-checkpoint series over two multiple-choice benchmarks of one group and a held-out text. */
    private static SweepRun series;

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

        Path seriesDir = Files.createDirectories(dir.resolve("series"));
        List<String> questions = Files.readAllLines(RepoPaths.dataset("world/world_mc.jsonl"));
        Path capitals = Files.write(seriesDir.resolve("capitals.jsonl"),
                questions.stream().filter(q -> q.contains("capital of")).limit(PER_KIND).toList());
        Path continents = Files.write(seriesDir.resolve("continents.jsonl"),
                questions.stream().filter(q -> q.contains("continent")).limit(PER_KIND).toList());
        series = SweepRun.of(seriesDir, "series.conf", """
                sweep {
                  name = series
                  checkpoints { dense { paths = [%s] } }
                  datasets {
                    heldout { format = text, path = "%s", max-records = %d }
                    capitals { format = multiple-choice, path = "%s" }
                    continents { format = multiple-choice, path = "%s" }
                  }
                  jobs = [ { job = checkpoint-eval, models = [dense], datasets = [heldout, capitals, continents],
                             params { tokens-per-step = 8192, prediction-fit-fraction = %s } } ]
                }
                """.formatted(String.join(", ", SERIES.stream().map(c -> "\"" + RepoPaths.world(c) + "\"").toList()),
                RepoPaths.dataset("world/pretrain.txt"), LINES, capitals, continents, FIT_FRACTION),
                List.of(new CheckpointEvalJob()));
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
    void twoCheckpointSeriesGetScalingAndPhaseRowsButNoFits() {
        assertTrue(Files.notExists(dir.resolve("out").resolve(CheckpointEvalJob.PREDICTION)),
                "no rows (every group holds one benchmark here), so no table folder");
        assertTrue(Files.isDirectory(dir.resolve("out").resolve(CheckpointEvalJob.SCALING)));
        Dataset<Row> scaling = sweep.table(CheckpointEvalJob.SCALING);
        assertEquals(2 * 4, scaling.count(), "two series x (loss and the three groups scored by accuracy)");
        assertEquals(Set.of("loss", "world_knowledge", "instruction_following", "examination"), Set.copyOf(
                scaling.select("target").distinct().as(Encoders.STRING()).collectAsList()));
        assertEquals(0, scaling.where("e is not null or a is not null or alpha is not null or n_points != 2").count(),
                "two points are too few for three parameters");
        Dataset<Row> phases = sweep.table(CheckpointEvalJob.RECOMMENDATION);
        assertEquals(2 * 3, phases.count());
        assertEquals(0, phases.where("size(metric_ids) != size(snr)").count());
    }

    @Test
    void withinGroupPredictionFollowsTheScoresOfBothBenchmarks() {
        Dataset<Row> scores = series.table(CheckpointEvalJob.SCORES).where("metric = 'accuracy' and subtask = 'all'");
        List<Row> rows = series.table(CheckpointEvalJob.PREDICTION).orderBy("bench_known").collectAsList();
        assertEquals(2, rows.size(), "capitals -> continents and back; the held-out text is alone in lm_loss");
        for (Row r : rows) {
            assertEquals("examination", r.getString(r.fieldIndex("group")));
            assertEquals(SERIES.size(), r.getInt(r.fieldIndex("n_points")));
            assertEquals(500.0 * 8192, r.getDouble(r.fieldIndex("fit_cutoff")), "fit on 2 of 5 checkpoints (0.4)");
            double[] a = normalized(scores, r.getString(r.fieldIndex("bench_known")));
            double[] b = normalized(scores, r.getString(r.fieldIndex("bench_unseen")));
            if (r.isNullAt(r.fieldIndex("beta"))) {
                assertEquals(a[0], a[1], 1e-12, "a fit is undefined only when y_A is constant on the fit points");
                continue;
            }
            double alpha = r.getDouble(r.fieldIndex("alpha"));
            double beta = r.getDouble(r.fieldIndex("beta"));
            assertEquals(b[0], alpha + beta * a[0], 1e-9, "two fit points: the line passes through both");
            assertEquals(b[1], alpha + beta * a[1], 1e-9);
            double mae = 0;
            for (int i = 2; i < a.length; i++) {
                mae += Math.abs(b[i] - alpha - beta * a[i]) / (a.length - 2);
            }
            assertEquals(mae, r.getDouble(r.fieldIndex("mae")), 1e-9);
            if (!r.isNullAt(r.fieldIndex("pearson"))) {
                double p = r.getDouble(r.fieldIndex("pearson"));
                assertTrue(p >= -1 - 1e-12 && p <= 1 + 1e-12);
            }
        }
    }

    @Test
    void theLossScalingFitUsesComputeFromTheParameterCountAndTokens() {
        Row fit = series.table(CheckpointEvalJob.SCALING).where("target = 'loss'").first();
        assertEquals(SERIES.size(), fit.getInt(fit.fieldIndex("n_points")));
        assertEquals(PowerLawFit.FORM, fit.getString(fit.fieldIndex("form")));
        double e = fit.getDouble(fit.fieldIndex("e"));
        double a = fit.getDouble(fit.fieldIndex("a"));
        double alpha = fit.getDouble(fit.fieldIndex("alpha"));
        assertTrue(alpha >= PowerLawFit.ALPHA_MIN && alpha <= PowerLawFit.ALPHA_MAX, fit.toString());
        long params = ParameterCount.activeNonEmbedding(ModelConfig.read(RepoPaths.world(SERIES.get(0))));
        List<Row> loss = series.table(CheckpointEvalJob.SCORES).where("metric = 'mean_nll'").orderBy("step")
                .select("tokens_seen", "value", "n_params").collectAsList();
        assertEquals(SERIES.size(), loss.size());
        double mean = loss.stream().mapToDouble(r -> r.getDouble(1)).average().orElseThrow();
        double ssRes = 0;
        double ssTot = 0;
        for (Row r : loss) {
            assertEquals(params, r.getLong(2), "n_params of every score row");
            double predicted = e + a * Math.pow(6.0 * params * r.getLong(0), -alpha);
            ssRes += (r.getDouble(1) - predicted) * (r.getDouble(1) - predicted);
            ssTot += (r.getDouble(1) - mean) * (r.getDouble(1) - mean);
        }
        assertEquals(1 - ssRes / ssTot, fit.getDouble(fit.fieldIndex("r2")), 1e-6, "the stated fit reproduces its r2");
        assertTrue(fit.getDouble(fit.fieldIndex("r2")) > 0.5, "the world model's loss falls with compute: " + fit);
        assertEquals(1, series.table(CheckpointEvalJob.SCALING).where("target = 'examination'").count());
    }

    @Test
    void phaseRecommendationsRankTheSeriesOwnCurvesByPhase() {
        List<Row> phases = series.table(CheckpointEvalJob.RECOMMENDATION).collectAsList();
        assertEquals(List.of("early", "mid", "late"), phases.stream().map(r -> r.getString(r.fieldIndex("phase")))
                .sorted(java.util.Comparator.comparing(List.of("early", "mid", "late")::indexOf)).toList());
        Set<String> curves = Set.copyOf(series.table(CheckpointEvalJob.SCORES).select("dataset", "subtask", "metric").distinct()
                .collectAsList().stream().map(r -> r.getString(0) + "/" + r.getString(1) + "/" + r.getString(2)).toList());
        for (Row r : phases) {
            List<String> ids = r.getList(r.fieldIndex("metric_ids"));
            List<Double> snr = r.getList(r.fieldIndex("snr"));
            assertEquals(ids.size(), snr.size());
            assertTrue(curves.containsAll(ids), ids.toString());
            for (int i = 1; i < snr.size(); i++) {
                assertTrue(snr.get(i - 1) >= snr.get(i), "highest signal-to-noise first: " + snr);
            }
            assertTrue(Set.of("unstable_optimization").containsAll(r.getList(r.fieldIndex("alarm_flags"))));
            if (r.getString(r.fieldIndex("phase")).equals("late")) {
                assertEquals(4000.0 * 8192, r.getDouble(r.fieldIndex("progress_to")));
            }
        }
        assertTrue(phases.stream().anyMatch(r -> !r.getList(r.fieldIndex("metric_ids")).isEmpty()),
                "the loss at least moves over the run");
    }

    private static double[] normalized(Dataset<Row> scores, String benchmark) {
        return scores.where(col("dataset").equalTo(benchmark)).orderBy("step").select("normalized_value")
                .as(Encoders.DOUBLE()).collectAsList().stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * One line per series, benchmark and headline metric (accuracy, or perplexity for the held-out text), in that
     * order, holding the series' curve: each checkpoint's step and its subtask-all value from eval_task_scores.
     */
    @Test
    void headlinesFollowEachSeries() {
        List<String> expected = new ArrayList<>();
        for (String series : List.of("early", "late")) {
            List<String> checkpoints = series.equals("early") ? EARLY : LATE;
            for (String dataset : List.of("facts", "heldout", "instruct", "mc")) {
                String metric = dataset.equals("heldout") ? "perplexity" : "accuracy";
                StringBuilder line = new StringBuilder(series + " " + dataset + " " + metric + " by step:");
                for (String checkpoint : checkpoints) {
                    Row r = scores(checkpoint, dataset).where(col("subtask").equalTo("all").and(col("metric").equalTo(metric)))
                            .select("step", "value").first();
                    assertEquals(Long.parseLong(checkpoint.substring(checkpoint.indexOf("step") + 4)), r.getLong(0));
                    line.append(String.format(Locale.ROOT, " %d=%.4f", r.getLong(0), r.getDouble(1)));
                }
                expected.add(line.toString());
            }
        }
        assertEquals(expected, new CheckpointEvalJob().headlines(sweep::table));
    }

    private static Dataset<Row> scores(String checkpoint, String dataset) {
        return sweep.table(CheckpointEvalJob.SCORES).where(col("checkpoint").equalTo(checkpoint)
                .and(col("dataset").equalTo(dataset)));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
