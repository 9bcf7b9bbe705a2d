package org.neurosweep.jobs.distill;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.testjobs.SweepRun;
import org.neurosweep.testjobs.TestSweeps;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.train.StepLog;

/**
 * A small swing-distillation run of the world models (dense_instruct → dense_small, with the plain-KD baseline):
 * its tables, the checkpoints, and what a rerun does after an attempt killed mid-training (the unit is recomputed whole).
 */
class SwingDistillJobTest {

    @TempDir
    Path dir;

    private String sweep(String teacher) {
        return """
                sweep {
                  name = swing
                  models {
                    teacher { path = "%s" }
                    student { path = "%s" }
                  }
                  datasets { world { format = distill-corpus, path = "%s", max-records = 16 } }
                  jobs = [ { job = swing-distill, models = [student], datasets = [world],
                             params { teacher = %s, steps = 4, micro-batch = 8, eval-items = 8,
                                      exposure-candidates = 20 } } ]
                }
                """.formatted(RepoPaths.world("dense_instruct"), RepoPaths.world("dense_small"),
                RepoPaths.dataset("world"), teacher);
    }

    /** Thrown from the step hook: the attempt dies mid-training. */
    private static final class Killed extends RuntimeException {
        Killed(long step) {
            super("killed after training step " + step);
        }
    }

    @AfterEach
    void clearHook() {
        Students.afterStep = log -> { };
    }

    @Test
    void aRunKilledMidTrainingIsRecomputedWholeByTheRerunWhichDistilsBothStudents() throws Exception {
        // attempt 1 dies after optimizer step 2 of its first student run (plain KD); nothing of it may be visible
        List<List<StepLog>> attempts = new ArrayList<>(List.of(new ArrayList<>()));
        Students.afterStep = log -> {
            attempts.get(attempts.size() - 1).add(log);
            if (attempts.size() == 1 && log.step() == 2) {
                throw new Killed(log.step());
            }
        };
        SweepRun killed = SweepRun.of(dir, "swing.conf", sweep("teacher"), List.of(new SwingDistillJob()));
        assertEquals(1, killed.result().failed(), "the killed attempt failed its unit");
        assertEquals(0, killed.result().committed());
        for (String table : List.of(SwingDistillJob.SUMMARY, SwingDistillJob.EXPOSURE, SwingDistillJob.TASK_EVAL,
                SwingDistillJob.TOKEN_PRIVACY)) {
            Path folder = killed.sweeps().out().resolve(table);
            if (Files.exists(folder)) {
                try (Stream<Path> files = Files.walk(folder)) {
                    assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("part-")).toList(),
                            table + ": nothing of the killed attempt is visible");
                }
            }
        }
        Path artifacts = killed.sweeps().out().resolve("artifacts");
        if (Files.exists(artifacts)) {
            try (Stream<Path> files = Files.walk(artifacts)) {
                assertEquals(List.of(), files.filter(Files::isRegularFile).toList(), "no checkpoint of the killed attempt");
            }
        }
        assertEquals(List.of(0L, 1L, 2L), attempts.get(0).stream().map(StepLog::step).toList());

        // the rerun with the same run id recomputes the unit from step 0 (no per-step checkpoint is resumed):
        // its first student run repeats steps 0..2 with the same losses, then goes on, then the swing student
        attempts.add(new ArrayList<>());
        SweepRun run = new SweepRun(killed.sweeps(), killed.plan(), TestSweeps.run(killed.plan()));
        assertEquals(killed.result().runId(), run.result().runId());
        assertEquals(1, run.result().committed(), "the unit ran again and committed");
        List<StepLog> rerun = attempts.get(1);
        assertEquals(List.of(0L, 1L, 2L, 3L, 0L, 1L, 2L, 3L), rerun.stream().map(StepLog::step).toList(),
                "KD then swing, each from step 0");
        for (int k = 0; k < 3; k++) {
            assertEquals(attempts.get(0).get(k).loss(), rerun.get(k).loss(), 1e-9, "deterministic recomputation, step " + k);
        }
        assertEquals(1, run.table(SwingDistillJob.SUMMARY).count(), "one copy of the unit's rows");

        List<Row> exposure = run.table(SwingDistillJob.EXPOSURE).collectAsList();
        assertEquals(12 * 4, exposure.size(), "12 canaries x teacher, student before, KD student, swing student");
        for (Row r : exposure) {
            double bits = r.getAs("exposure");
            assertTrue(bits >= 0 && bits <= Math.log(1e6) / Math.log(2) + 1e-9, "exposure " + bits);
            assertTrue((boolean) r.getAs("sampled"));
        }
        assertEquals(4 * 2, run.table(SwingDistillJob.TASK_EVAL).count(), "response_nll and exact_match per role");

        // the canaries' secrets are the private positions: τ_high there, τ_low elsewhere, no hard label
        List<Row> privateRows = run.table(SwingDistillJob.TOKEN_PRIVACY).filter(col("rho").equalTo(1.0)).collectAsList();
        assertFalse(privateRows.isEmpty());
        for (Row r : privateRows) {
            assertEquals(20.0, (double) r.getAs("tau"));
            assertFalse((boolean) r.getAs("hard_label"));
            assertTrue(((String) r.getAs("token_text")).strip().matches("\\d+"), "private token " + r.getAs("token_text"));
        }
        assertEquals(2.0, run.table(SwingDistillJob.TOKEN_PRIVACY).filter(col("rho").equalTo(0.0)).first().<Double>getAs("tau"));

        Row summary = run.table(SwingDistillJob.SUMMARY).first();
        double kd = summary.getAs("mean_exposure_kd");
        double swing = summary.getAs("mean_exposure_swing");
        double meanSwing = run.table(SwingDistillJob.EXPOSURE).filter(col("model_role").equalTo("student_swing"))
                .agg(org.apache.spark.sql.functions.avg("exposure")).first().getDouble(0);
        assertEquals(meanSwing, swing, 1e-12, "the summary's mean is the table's");
        if (kd > 0) {
            assertEquals(100 * (kd - swing) / kd, summary.<Double>getAs("reduction_pct"), 1e-9);
        }
        String checkpoint = summary.getAs("checkpoint_swing");
        assertNotNull(checkpoint);
        Path folder = Path.of(java.net.URI.create(checkpoint));
        assertTrue(Files.exists(folder.resolve("model.safetensors")) && Files.exists(folder.resolve("config.json")),
                "the swing student's checkpoint at " + folder);
        assertFalse(new SwingDistillJob().headlines(run.sweeps()::table).isEmpty());
        var figures = new SwingDistillJob().figures(run.sweeps()::table);
        assertEquals(3, figures.size(), "exposure per role, and each task metric per role");
        assertTrue(figures.stream().allMatch(org.neurosweep.report.Chart::hasData));
    }

    @Test
    void anUnknownTeacherIsAConfigError() {
        TestSweeps sweeps = new TestSweeps(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestSweeps.plan(
                List.of(new SwingDistillJob()), sweeps.conf("bad.conf", sweep("nobody"))));
        assertTrue(e.getMessage().contains("params.teacher = 'nobody'"), e.getMessage());
    }
}
