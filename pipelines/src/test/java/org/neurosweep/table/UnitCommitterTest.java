package org.neurosweep.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.data.BadRecord;
import org.neurosweep.data.Shard;
import org.neurosweep.job.DatasetSlice;
import org.neurosweep.job.Params;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.table.UnitCommitter.Outcome;
import org.neurosweep.testjobs.LineStatsJob;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnitCommitterTest {

    private static final LineStatsJob JOB = new LineStatsJob();

    @TempDir
    java.nio.file.Path dir;

    private final Configuration hadoop = new Configuration();

    private TableLayout layout() {
        return new TableLayout("file:" + dir.resolve("out"), "r1");
    }

    private WorkUnit unit(int shard) {
        DatasetSlice slice = new DatasetSlice("lines", "text", "file:/data/lines.txt", Shard.modulo(shard, 4), 0, Map.of());
        return WorkUnit.of(JOB, null, slice, Params.of(Map.of("scale", 1, "sleep-ms", 0)));
    }

    /** A committing manifest row of attempt {@code attempt} of {@code unit}. */
    private static ManifestRow manifestRow(WorkUnit unit, String attempt, long rows) {
        return new ManifestRow("r1", unit.id(), attempt, RunFiles.invocationOf(attempt), 0, JOB.name(), 1, null, null,
                null, "lines", "0/4", null, "scale=1", unit.describe(), "committed", null, rows, 0L, false, 0L, 0,
                "cpu", false, "float32", "driver", "localhost", 0L, 1L, "test", "test", "test", "test", "17");
    }

    private UnitOutput stage(WorkUnit unit, String attempt, int rows, int badRecords) throws IOException {
        UnitOutput out = new UnitOutput(layout(), unit, attempt, JOB.tables(), hadoop, dir.resolve("local-" + attempt));
        for (int i = 0; i < rows; i++) {
            out.table(LineStatsJob.TABLE).add("e" + i, (long) i, i * 2);
        }
        for (int i = 0; i < badRecords; i++) {
            out.badRecords(List.of(new BadRecord("/data/lines.txt", i + 1, "invalid UTF-8")));
        }
        out.finish();
        return out;
    }

    private UnitCommitter committer(UnitCommitter.StepHook hook) {
        return new UnitCommitter(layout(), hadoop, null, hook);
    }

    private Outcome commit(WorkUnit unit, String attempt, int rows, UnitCommitter.StepHook hook) throws IOException {
        return committer(hook).commit(stage(unit, attempt, rows, 0), manifestRow(unit, attempt, rows));
    }

    /** Thrown by a hook to stop an attempt dead at a step, as a killed executor would: nothing after it runs. */
    private static final class Crash extends IOException {
        Crash(UnitCommitter.Step step) {
            super("crash at " + step);
        }
    }

    @Test
    void rowsArePublishedUnderTheCommittingAttemptsNameAfterItsManifestRow() throws IOException {
        WorkUnit unit = unit(0);
        UnitCommitter committer = committer(UnitCommitter.StepHook.NONE);
        assertFalse(committer.isCommitted(unit.id()));
        assertEquals(Outcome.COMMITTED, committer.commit(stage(unit, "r1-t1-aa", 5, 2), manifestRow(unit, "r1-t1-aa", 5)));
        assertTrue(committer.isCommitted(unit.id()));
        assertEquals(5, rowCount(layout().unitFile(LineStatsJob.TABLE, unit.id(), "r1-t1-aa")));
        assertEquals(2, rowCount(layout().unitFile("errors", unit.id(), "r1-t1-aa")));
        assertEquals(List.of("part-" + unit.id() + "-r1-t1-aa.parquet"), dataFiles(LineStatsJob.TABLE));
        assertEquals(List.of("part-" + unit.id() + ".parquet"), dataFiles("manifest"), "the committing attempt's row commits the unit");
        assertFalse(Files.exists(local(layout().stagingDir(unit.id(), "r1-t1-aa"))), "the attempt's staging folder is gone");
        assertEquals(java.util.Set.of(unit.id()), new RunFiles(layout(), hadoop).committedUnits());
    }

    @Test
    void nothingIsVisibleToReadersBeforeTheCommitPointNorBeforePublication() throws IOException {
        WorkUnit unit = unit(1);
        List<String> seen = new java.util.ArrayList<>();
        commit(unit, "r1-t1-aa", 3, (step, u, a) -> seen.add(step + ":" + dataFiles(LineStatsJob.TABLE).size()
                + "/" + dataFiles("errors").size() + "/" + dataFiles("manifest").size()));
        assertEquals(List.of("STAGED:0/0/0", "FENCED:0/0/0", "COMMITTED:0/0/1"), seen);
        assertEquals(1, dataFiles(LineStatsJob.TABLE).size());
    }

    @Test
    void aDuplicateAttemptAfterTheWinnersCommitNeitherReplacesNorDeletesItsFiles() throws IOException {
        WorkUnit unit = unit(1);
        assertEquals(Outcome.COMMITTED, commit(unit, "r1-t1-aa", 3, UnitCommitter.StepHook.NONE));
        assertEquals(Outcome.SUPERSEDED, commit(unit, "r1-t2-bb", 7, UnitCommitter.StepHook.NONE));
        assertEquals(List.of("part-" + unit.id() + "-r1-t1-aa.parquet"), dataFiles(LineStatsJob.TABLE));
        assertEquals(3, rowCount(layout().unitFile(LineStatsJob.TABLE, unit.id(), "r1-t1-aa")), "the winner's rows stay");
        assertEquals(1, dataFiles("manifest").size());
    }

    @Test
    void aDuplicateThatPassedTheCheckBeforeTheWinnerCommittedLosesAtTheCommitPoint() throws IOException {
        WorkUnit unit = unit(2);
        // the speculative copy has checked that the unit is uncommitted; the winner commits and publishes now
        Outcome late = commit(unit, "r1-t2-bb", 7, (step, u, a) -> {
            if (step == UnitCommitter.Step.FENCED) {
                assertEquals(Outcome.COMMITTED, commit(unit, "r1-t1-aa", 3, UnitCommitter.StepHook.NONE));
            }
        });
        assertEquals(Outcome.SUPERSEDED, late);
        assertEquals(List.of("part-" + unit.id() + "-r1-t1-aa.parquet"), dataFiles(LineStatsJob.TABLE));
        assertEquals(3, rowCount(layout().unitFile(LineStatsJob.TABLE, unit.id(), "r1-t1-aa")));
        assertFalse(Files.exists(local(layout().stagingDir(unit.id(), "r1-t2-bb"))), "the loser's staging is dropped");
    }

    @Test
    void aCrashBeforeTheCommitPointLeavesNothingVisibleAndItsStagingOnlyGoesOnceItsInvocationIsOver() throws IOException {
        for (UnitCommitter.Step step : List.of(UnitCommitter.Step.STAGED, UnitCommitter.Step.FENCED)) {
            WorkUnit unit = unit(step.ordinal());
            assertThrows(Crash.class, () -> commit(unit, "r1-t1-aa", 4, crashAt(step)));
            RunFiles files = new RunFiles(layout(), hadoop);
            assertEquals(0, files.recover(2));
            assertTrue(Files.exists(local(layout().stagingDir(unit.id(), "r1-t1-aa"))),
                    "invocation 1 never ended: a task of it may still be alive, so invocation 2 keeps its staging");
            assertEquals(0, dataFiles(LineStatsJob.TABLE).stream().filter(f -> f.contains(unit.id())).count(),
                    step + ": nothing visible");
            assertFalse(files.committedUnits().contains(unit.id()));
            files.markEnded(2);
            files.recover(3);
            assertFalse(Files.exists(local(layout().stagingDir(unit.id(), "r1-t1-aa"))),
                    "once a later invocation ended normally, invocation 1 is over");
            assertEquals(Outcome.COMMITTED, commit(unit, "r3-t1-cc", 4, UnitCommitter.StepHook.NONE), "the rerun commits");
            assertEquals(1, dataFiles(LineStatsJob.TABLE).stream().filter(f -> f.contains(unit.id())).count());
        }
    }

    @Test
    void aCrashAfterTheCommitPointIsPublishedByTheNextRecoveryExactlyOnce() throws IOException {
        WorkUnit unit = unit(3);
        assertThrows(Crash.class, () -> committer(crashAt(UnitCommitter.Step.COMMITTED))
                .commit(stage(unit, "r1-t1-aa", 6, 2), manifestRow(unit, "r1-t1-aa", 6)));
        assertEquals(List.of(), dataFiles(LineStatsJob.TABLE), "committed, not yet published");
        RunFiles files = new RunFiles(layout(), hadoop);
        assertEquals(1, files.recover(2));
        assertEquals(6, rowCount(layout().unitFile(LineStatsJob.TABLE, unit.id(), "r1-t1-aa")));
        assertEquals(2, rowCount(layout().unitFile("errors", unit.id(), "r1-t1-aa")));
        assertEquals(0, files.recover(2), "publication is done once");
        assertEquals(1, dataFiles(LineStatsJob.TABLE).size());
        assertEquals(Outcome.SUPERSEDED, commit(unit, "r2-t1-bb", 9, UnitCommitter.StepHook.NONE));
        assertEquals(6, rowCount(layout().unitFile(LineStatsJob.TABLE, unit.id(), "r1-t1-aa")));
    }

    @Test
    void aRecoveryPublishingWhileTheWinnerPublishesMovesEveryFileOnce() throws IOException {
        WorkUnit unit = unit(0);
        Outcome outcome = commit(unit, "r1-t1-aa", 5, (step, u, a) -> {
            if (step == UnitCommitter.Step.COMMITTED) {
                assertEquals(1, new RunFiles(layout(), hadoop).recover(1));
            }
        });
        assertEquals(Outcome.COMMITTED, outcome);
        assertEquals(5, rowCount(layout().unitFile(LineStatsJob.TABLE, unit.id(), "r1-t1-aa")));
        assertEquals(1, dataFiles(LineStatsJob.TABLE).size());
    }

    @Test
    void recoveryDropsTheStagingOfAttemptsWhoseUnitAnotherAttemptCommitted() throws IOException {
        WorkUnit unit = unit(1);
        assertThrows(Crash.class, () -> commit(unit, "r1-t2-bb", 4, crashAt(UnitCommitter.Step.FENCED)));
        assertEquals(Outcome.COMMITTED, commit(unit, "r1-t1-aa", 3, UnitCommitter.StepHook.NONE));
        new RunFiles(layout(), hadoop).recover(1);
        assertFalse(Files.exists(local(layout().stagingDir(unit.id(), "r1-t2-bb"))));
        assertEquals(3, rowCount(layout().unitFile(LineStatsJob.TABLE, unit.id(), "r1-t1-aa")));
    }

    @Test
    void aSecondInvocationInsideTheWindowBeforeTheCommitIsRefusedAndTheRowsSurvive() throws IOException {
        WorkUnit unit = unit(2);
        try (RunLease first = RunLease.acquire(layout(), hadoop, Duration.ofMinutes(1), "app-A")) {
            UnitCommitter committer = new UnitCommitter(layout(), hadoop, first.fence(), (step, u, a) -> {
                if (step == UnitCommitter.Step.FENCED) {
                    RunInProgressException e = assertThrows(RunInProgressException.class,
                            () -> RunLease.acquire(layout(), hadoop, Duration.ofMinutes(1), "app-B"));
                    assertTrue(e.getMessage().contains("application app-A"), e.getMessage());
                }
            });
            assertEquals(Outcome.COMMITTED, committer.commit(stage(unit, "r1-t1-aa", 400, 0), manifestRow(unit, "r1-t1-aa", 400)));
        }
        assertEquals(400, rowCount(layout().unitFile(LineStatsJob.TABLE, unit.id(), "r1-t1-aa")));
    }

    @Test
    void anInvocationWhoseLeaseWasTakenOverPublishesNothing() throws IOException {
        WorkUnit unit = unit(3);
        RunLease paused = RunLease.acquire(layout(), hadoop, Duration.ofMinutes(1), "app-A");
        RunLease[] takeover = new RunLease[1];
        UnitCommitter committer = new UnitCommitter(layout(), hadoop, paused.fence(), (step, u, a) -> {
            if (step == UnitCommitter.Step.STAGED) {   // A pauses past its lease; B finds it expired and takes over
                takeover[0] = RunLease.acquire(layout(), hadoop, Duration.ofMillis(-1), "app-B");
            }
        });
        assertThrows(RunLease.LeaseLostException.class,
                () -> committer.commit(stage(unit, "r1-t1-aa", 5, 0), manifestRow(unit, "r1-t1-aa", 5)));
        assertFalse(committer.isCommitted(unit.id()));
        assertEquals(List.of(), dataFiles(LineStatsJob.TABLE));
        paused.renew();
        assertTrue(paused.lost());
        paused.close();
        assertTrue(Files.exists(local(layout().leaseFile())), "closing a lost lease leaves the new holder's file");
        takeover[0].close();
        assertFalse(Files.exists(local(layout().leaseFile())));
    }

    private static UnitCommitter.StepHook crashAt(UnitCommitter.Step at) {
        return (step, u, a) -> {
            if (step == at) {
                throw new Crash(step);
            }
        };
    }

    @Test
    void manifestRowsAreChecked() {
        ManifestRow good = manifestRow(unit(0), "r1-t1-aa", 1);
        ManifestRow row = new ManifestRow(good.runId(), good.unitId(), good.attemptId(), good.runAttempt(), good.taskAttempt(),
                good.job(), good.jobVersion(), good.modelId(), good.checkpoint(), good.step(), good.dataset(), good.shard(),
                good.round(), good.params(), good.description(), good.status(), good.error(), good.rows(), good.badRecords(),
                good.modelLoaded(), good.modelLoadMs(), good.microBatch(), null, good.deviceBound(), good.dtype(),
                good.executorId(), good.executorHost(), good.startedAt(), good.elapsedMs(), good.neurosweepVersion(),
                good.sparkVersion(), good.nd4jVersion(), good.nd4jBackend(), good.javaVersion());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ManifestWriter(layout(), hadoop).writeAttempt(row));
        assertEquals("table manifest: column device must not be null", e.getMessage());
    }

    @Test
    void rowsAreCheckedAgainstTheSchema() throws IOException {
        UnitOutput out = new UnitOutput(layout(), unit(0), "a1", JOB.tables(), hadoop, dir.resolve("local"));
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> out.table(LineStatsJob.TABLE).add("e", 1L, "long"));
        assertEquals("table line_stats: column length is int, got String", type.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> out.table(LineStatsJob.TABLE).add("e", 1L));
        assertEquals("table line_stats has 2 columns, got 1 values", count.getMessage());
        IllegalArgumentException nulls = assertThrows(IllegalArgumentException.class,
                () -> out.table(LineStatsJob.TABLE).add("e", null, 3));
        assertEquals("table line_stats: column line must not be null", nulls.getMessage());
        assertThrows(IllegalArgumentException.class, () -> out.table("nope"));
        out.discard();
    }

    @Test
    void eachInvocationOfARunGetsTheNextAttemptNumber() throws IOException {
        RunFiles files = new RunFiles(layout(), hadoop);
        assertEquals(1, files.registerAttempt("{}"));
        assertEquals(2, files.registerAttempt("{}"));
        assertEquals(1, new RunFiles(new TableLayout("file:" + dir.resolve("out"), "other"), hadoop).registerAttempt("{}"));
    }

    private long rowCount(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoop))) {
            return reader.getRecordCount();
        }
    }

    private List<String> dataFiles(String table) {
        return dataFiles(layout(), table);
    }

    private static List<String> dataFiles(TableLayout layout, String table) {
        File[] files = local(layout.tableDir(table)).toFile().listFiles((d, name) -> name.endsWith(".parquet") && !name.startsWith("."));
        return files == null ? List.of() : Arrays.stream(files).map(File::getName).sorted().toList();
    }

    private static java.nio.file.Path local(Path p) {
        return java.nio.file.Path.of(p.toUri().getPath());
    }
}
