package org.neurosweep.jobs.distill;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.methods.pad.McqCalibration;
import org.neurosweep.exec.RunTables;
import org.neurosweep.table.TableLayout;
import org.neurosweep.testjobs.SweepRun;
import org.neurosweep.testjobs.TestSpark;
import org.neurosweep.testjobs.TestSweeps;
import org.neurosweep.testutil.RepoPaths;

/** A small PAD run of the world models (dense_instruct → dense_small) with its plain-KD baseline: the tables agree. */
class PadDistillJobTest {

    @TempDir
    Path dir;

    private static final String MODELS = """
              models {
                teacher { path = "%s" }
                student { path = "%s" }
              }
              datasets { world { format = distill-corpus, path = "%s", max-records = 10 } }
            """.formatted(RepoPaths.world("dense_instruct"), RepoPaths.world("dense_small"), RepoPaths.dataset("world"));

    private String sweep(String params) {
        return sweep("pad-distill", "student", "teacher = teacher, " + params);
    }

    private static String sweep(String job, String model, String params) {
        return "sweep {\n  name = " + job + "\n" + MODELS + "  jobs = [ { job = " + job + ", models = [" + model
                + "], datasets = [world], params { " + params + " } } ]\n}\n";
    }

    /** A fresh folder of this test's temporary folder, for one of several sweeps. */
    private Path folder(String name) throws java.io.IOException {
        return Files.createDirectories(dir.resolve(name));
    }

    /** The folder of {@code table} of {@code run}'s single run. */
    private static Path committed(SweepRun run, String table) {
        return run.sweeps().out().resolve(table).resolve("run=" + run.result().runId());
    }

    @Test
    void sampleAndScoreMapUnitsFeedTheTrainingRunThroughTheirCommittedTables() throws Exception {
        // PAD step 1 (pad-sample, map unit of the student), then step 2 (pad-score, map unit of the teacher) on the
        // committed samples, then the run (pad-distill) on both committed tables: three runs, as three sweeps
        SweepRun sampled = SweepRun.of(folder("sample"), "sample.conf", sweep("pad-sample", "student",
                "samples = 4, responses = 3, sample-tokens = 8"), List.of(new PadSampleJob()));
        assertEquals(1, sampled.result().committed());
        assertEquals(10 * 4, sampled.table(PadSampleJob.SAMPLES).count());
        List<Row> kept = sampled.table(PadSampleJob.SAMPLES).filter(col("prompt_kept")).collectAsList();
        long keptPrompts = kept.stream().map(r -> r.<String>getAs("example_id")).distinct().count();
        assertEquals(keptPrompts * 3, kept.stream().filter(r -> r.<Boolean>getAs("selected")).count(), "3 selected per kept prompt");
        assertTrue(kept.stream().filter(r -> r.<Integer>getAs("sample_seed") == 0).allMatch(r -> r.<Boolean>getAs("selected")),
                "sample 0 is always selected");
        for (Row r : sampled.table(PadSampleJob.SAMPLES).collectAsList()) {
            assertEquals(r.<Integer>getAs("n_tokens"), r.getList(r.fieldIndex("tokens")).size(), "the tokens column holds the sample");
        }

        // the report sections: lengths by seed (selected, dropped), the share of kept prompts; scores by response, the pairs
        List<org.neurosweep.report.Chart> sampleFigures = new PadSampleJob().figures(sampled::table);
        assertEquals(List.of("student: sampled response length by seed",
                "pad-sample: share of prompts whose selected responses are distinct"),
                sampleFigures.stream().map(org.neurosweep.report.Chart::title).toList());
        org.neurosweep.report.Chart.Bars share = (org.neurosweep.report.Chart.Bars) sampleFigures.get(1);
        assertEquals(keptPrompts / 10.0, share.values()[0][0], 1e-12, "kept prompts of the 10");

        Path samples = committed(sampled, PadSampleJob.SAMPLES);
        SweepRun scored = SweepRun.of(folder("score"), "score.conf", sweep("pad-score", "teacher",
                "samples-from = \"" + samples + "\", alpha = 0.5, mcq-filter = false"), List.of(new PadScoreJob()));
        assertEquals(1, scored.result().committed());
        // the teacher scores follow from the pairs: m_i from the p_A, p_B of its pairs, score = α ℓ_T + (1 − α) m_i
        Map<String, List<Row>> pairs = scored.table(PadScoreJob.MCQ_PAIRS).orderBy("i", "j").collectAsList().stream()
                .collect(Collectors.groupingBy(r -> r.getAs("example_id")));
        assertEquals(keptPrompts, pairs.size(), "every kept prompt of the committed samples is scored");
        for (Row s : scored.table(PadScoreJob.TEACHER_SCORES).collectAsList()) {
            List<Row> mine = pairs.get(s.<String>getAs("example_id"));
            double[] m = McqCalibration.scores(3, mine.stream().mapToDouble(r -> r.getAs("p_a")).toArray(),
                    mine.stream().mapToDouble(r -> r.getAs("p_b")).toArray());
            int i = s.getAs("response_idx");
            assertEquals(m[i], s.<Double>getAs("mcq_score"), 1e-12);
            assertEquals(Math.exp(m[i]), s.<Double>getAs("mcq_win_prob"), 1e-12);
            assertEquals(0.5 * s.<Double>getAs("avg_logp") + 0.5 * m[i], s.<Double>getAs("teacher_score"), 1e-12);
            assertTrue(s.<Double>getAs("sum_logp") <= s.<Double>getAs("avg_logp") + 1e-9, "a sum of negative log-probs");
            assertTrue(s.<Boolean>getAs("kept_by_filter"), "the filter is off");
        }
        List<org.neurosweep.report.Chart> scoreFigures = new PadScoreJob().figures(scored::table);
        assertEquals(List.of("teacher: teacher scores by selected response", "teacher: mean probability of preferring A over B"),
                scoreFigures.stream().map(org.neurosweep.report.Chart::title).toList());
        org.neurosweep.report.Chart.Heatmap prefer = (org.neurosweep.report.Chart.Heatmap) scoreFigures.get(1);
        double meanP01 = pairs.values().stream().flatMap(List::stream)
                .filter(r -> r.<Integer>getAs("i") == 0 && r.<Integer>getAs("j") == 1)
                .mapToDouble(r -> r.<Double>getAs("p_a")).average().orElseThrow();
        assertEquals(meanP01, prefer.values()[0][prefer.columns().indexOf("1")], 1e-12, "cell (A = 0, B = 1)");
        assertTrue(new PadScoreJob().figures(name -> scored.table(name).limit(0)).stream().noneMatch(org.neurosweep.report.Chart::hasData));

        // what the training unit reads back: per kept prompt the selected samples' tokens in response_idx order, and
        // the teacher scores of those responses
        Map<String, CommittedPadTables.Responses> read = CommittedPadTables.samples(samples, "");
        assertEquals(keptPrompts, read.size());
        for (Row r : kept) {
            if (r.<Boolean>getAs("selected")) {
                int[] tokens = read.get(r.<String>getAs("example_id")).tokens().get(r.<Integer>getAs("response_idx"));
                assertEquals(r.getList(r.fieldIndex("tokens")), java.util.Arrays.stream(tokens).boxed().toList());
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CommittedPadTables.samples(samples, "someone"));
        assertTrue(e.getMessage().contains("no pad_samples row of model 'someone'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CommittedPadTables.scores(dir.resolve("nowhere"), "teacher"));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        Path scores = committed(scored, PadScoreJob.TEACHER_SCORES);
        Map<String, CommittedPadTables.Scores> teacherScores = CommittedPadTables.scores(scores, "teacher");
        for (Row s : scored.table(PadScoreJob.TEACHER_SCORES).collectAsList()) {
            assertEquals(s.<Double>getAs("teacher_score"),
                    teacherScores.get(s.<String>getAs("example_id")).scores()[s.<Integer>getAs("response_idx")], 0.0);
        }

        SweepRun run = SweepRun.of(folder("train"), "pad.conf", sweep("samples-from = \"" + samples
                + "\", scores-from = \"" + scores + "\", beta = 2.0, steps = 3, micro-batch = 4, learning-rate = 1e-3, "
                + "eval-items = 8"), List.of(new PadDistillJob()));
        assertEquals(1, run.result().committed());
        List<Row> steps = run.table(PadDistillJob.TRAIN_STEP).orderBy("student", "train_step").collectAsList();
        assertEquals(6, steps.size(), "3 PAD steps, 3 KD steps");
        for (Row r : steps) {
            if ("pad".equals(r.getAs("student"))) {
                assertEquals(r.<Double>getAs("loss"), r.<Double>getAs("loss_js"), 1e-12, "the js loss is optimized");
                assertTrue(r.<Double>getAs("loss_js") >= 0 && r.<Double>getAs("loss_js") <= Math.log(2));
                assertTrue(Math.abs(r.<Double>getAs("kendall_tau_mean")) <= 1);
                assertTrue(r.<Long>getAs("tokens") > 0);
            } else {
                assertTrue(r.isNullAt(r.fieldIndex("loss_js")));
            }
        }
        List<Row> eval = run.table(PadDistillJob.EVAL).collectAsList();
        assertEquals(4 * 2, eval.size(), "teacher, student before, PAD and KD students x exact match and NLL");
        assertEquals(8L, eval.get(0).<Long>getAs("n_items"));
        Path artifacts = run.sweeps().out().resolve("artifacts");
        try (var files = Files.walk(artifacts)) {
            assertEquals(2, files.filter(f -> f.getFileName().toString().equals("model.safetensors")).count(),
                    "the PAD and KD students' checkpoints");
        }
        List<String> headlines = new PadDistillJob().headlines(run.sweeps()::table);
        assertTrue(headlines.stream().anyMatch(h -> h.contains("exact_match: before")), String.join("\n", headlines));
        // the headline's counts are SQL's count(DISTINCT …), whether the reader folds the rows per Spark partition (a
        // reader of frames) or on the driver (the engine's reader of a small table)
        Row sql = sampled.table(PadSampleJob.SAMPLES).agg(countDistinct("example_id"),
                countDistinct(when(col("prompt_kept"), col("example_id"))), avg("n_tokens")).first();
        assertTrue(sql.getLong(1) < sql.getLong(0), "a prompt was dropped: the two counts differ");
        List<String> expected = List.of(String.format(Locale.ROOT,
                "student: %d prompts sampled, %d with distinct selections; %.1f tokens per sample",
                sql.getLong(0), sql.getLong(1), sql.getDouble(2)));
        assertEquals(expected, new PadSampleJob().headlines(sampled.sweeps()::table));
        assertEquals(expected, new PadSampleJob().headlines(new RunTables(TestSpark.session(),
                new TableLayout(sampled.result().out(), sampled.result().runId()), RunTables.schemas(List.of(new PadSampleJob())))));
        assertFalse(new PadScoreJob().headlines(scored.sweeps()::table).isEmpty());
        assertTrue(new PadDistillJob().figures(run.sweeps()::table).stream().allMatch(org.neurosweep.report.Chart::hasData),
                "the report section draws the training curves and the evaluation");
    }

    @Test
    void whenEveryUnitFailsTheHeadlinesStillPrint() throws Exception {
        // two training prompts and no canaries cannot fill a micro-batch of 8: both units fail
        SweepRun run = SweepRun.of(dir, "failing.conf", """
                sweep {
                  name = failing
                  models {
                    teacher { path = "%s" }
                    student { path = "%s" }
                  }
                  datasets { tiny { format = distill-corpus, path = "%s", max-records = 2, options { canaries = "" } } }
                  jobs = [
                    { job = pad-distill, models = [student], datasets = [tiny],
                      params { teacher = teacher, samples = 2, responses = 2, sample-tokens = 2, micro-batch = 8 } }
                    { job = swing-distill, models = [student], datasets = [tiny], params { teacher = teacher, micro-batch = 8 } }
                  ]
                }
                """.formatted(RepoPaths.world("dense_instruct"), RepoPaths.world("dense_small"), RepoPaths.dataset("world")),
                List.of(new PadDistillJob(), new SwingDistillJob()));
        assertEquals(2, run.result().failed());
        String errors = run.table("manifest").filter(col("job").equalTo("pad-distill")).first().getAs("error");
        assertTrue(errors.contains("fewer than micro-batch = 8"), errors);
        // the engine's reader of the run's tables: a table without rows is an empty frame with its declared columns
        java.util.Map<String, org.neurosweep.job.TableSchema> schemas = new java.util.HashMap<>();
        for (org.neurosweep.job.Job job : List.of(new PadDistillJob(), new SwingDistillJob())) {
            job.tables().forEach(t -> schemas.put(t.name(), t.prefixedWith(org.neurosweep.table.IdentityColumns.COLUMNS)));
        }
        RunTables tables = new RunTables(TestSpark.session(), new TableLayout(run.result().out(), run.result().runId()), schemas);
        assertTrue(new PadDistillJob().headlines(tables).isEmpty());
        assertTrue(new SwingDistillJob().headlines(tables).isEmpty());
    }

    @Test
    void theExampleSweepChainsTheThreeStepsAsStagesOfOneRun() {
        List<org.neurosweep.job.Job> jobs = List.of(new PadSampleJob(), new PadScoreJob(), new PadDistillJob());
        var plan = TestSweeps.plan(jobs, RepoPaths.root().resolve("conf/sweeps/pad-distill.conf"),
                "sweep.datasets.world.path=" + RepoPaths.dataset("world"),
                "sweep.models.student.path=" + RepoPaths.world("dense_small"),
                "sweep.models.teacher.path=" + RepoPaths.world("dense_instruct"), "neurosweep.out=" + dir.resolve("out"));
        assertEquals(List.of("pad-sample"), plan.jobs().stream().map(j -> j.job().name()).toList());
        assertEquals(1, plan.unitCount());
        assertEquals(List.of("pad-score:1", "pad-distill:2"), plan.later().stream().map(e -> e.job().name() + ":" + e.stage()).toList());
        assertEquals(dir.resolve("out") + "/pad_samples/run=pad-distill",
                plan.later().get(0).grid().get(0).getString("samples-from"), "the run's own pad_samples");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestSweeps.plan(
                List.of(new PadDistillJob()), new TestSweeps(dir).conf("mixed.conf", sweep("scores-from = \"x\""))));
        assertTrue(e.getMessage().contains("params.scores-from must be self when samples-from is self"), e.getMessage());
    }

    @Test
    void badParametersAreConfigErrors() {
        TestSweeps sweeps = new TestSweeps(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestSweeps.plan(
                List.of(new PadDistillJob()), sweeps.conf("bad.conf", sweep("samples = 3, responses = 4"))));
        assertEquals("pad-distill: params.samples must be ≥ responses", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TestSweeps.plan(
                List.of(new PadDistillJob()), sweeps.conf("bad2.conf", sweep("loss = kl"))));
        assertFalse(e.getMessage().isEmpty());
        assertTrue(e.getMessage().contains("params.loss must be js or vanilla"), e.getMessage());
    }
}
