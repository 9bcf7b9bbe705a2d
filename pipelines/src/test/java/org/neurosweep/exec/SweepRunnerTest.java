package org.neurosweep.exec;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.table.RunFiles;
import org.neurosweep.table.TableLayout;
import org.neurosweep.testjobs.AllTypesJob;
import org.neurosweep.testjobs.CommittedCountJob;
import org.neurosweep.testjobs.InjectedCrash;
import org.neurosweep.testjobs.Invocations;
import org.neurosweep.testjobs.JsonlEchoJob;
import org.neurosweep.testjobs.LineStatsJob;
import org.neurosweep.testjobs.MeanRoundsJob;
import org.neurosweep.testjobs.TestSweeps;
import org.neurosweep.testutil.RepoPaths;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine end to end in local[2]: commits, resume after a crash, bad records, rounds, table types. */
class SweepRunnerTest {

    @TempDir
    Path dir;

    @Test
    void resumesAfterACrashWithoutRecomputingOrDuplicating() throws Exception {
        TestSweeps sweeps = new TestSweeps(dir);
        Path data = Files.copy(RepoPaths.dataset("world/pretrain.txt"), dir.resolve("lines.txt"));
        Path conf = sweeps.conf("resume.conf", """
                sweep {
                  name = resume
                  datasets { lines { format = text, path = "%s", shards = 12, max-records = 5 } }
                  jobs = [ { job = line-stats, datasets = [lines] } ]
                }
                """.formatted(data));
        SweepPlan crashing = TestSweeps.plan(List.of(new LineStatsJob(7)), conf);
        List<WorkUnit> units = crashing.units();
        assertThrows(SweepFailedException.class, () -> TestSweeps.run(crashing), "the injected crash kills the run");
        awaitNoRunningTasks();   // tasks of the aborted job may still be finishing (and committing) their unit

        TableLayout layout = new TableLayout(crashing.config().engine().out(), "resume");
        Set<String> committedFirst = new RunFiles(layout, new org.apache.hadoop.conf.Configuration()).committedUnits();
        WorkUnit crashed = units.get(7);
        assertFalse(committedFirst.contains(crashed.id()));
        assertTrue(committedFirst.size() >= 1 && committedFirst.size() < units.size(), committedFirst.toString());
        Set<String> visible = ids(sweeps.table(LineStatsJob.TABLE).select("unit_id").distinct());
        assertFalse(visible.contains(crashed.id()), "rows the crashed unit wrote before crashing are not visible");

        java.util.Map<String, Integer> invokedFirst = new java.util.HashMap<>();
        units.forEach(u -> invokedFirst.put(u.id(), Invocations.of(u.id())));
        SweepResult second = TestSweeps.run(TestSweeps.plan(List.of(new LineStatsJob()), conf));
        assertEquals(2, second.runAttempt());
        assertEquals(committedFirst.size(), second.alreadyCommitted());
        assertEquals(units.size() - committedFirst.size(), second.committed());
        for (WorkUnit u : units) {
            int expected = invokedFirst.get(u.id()) + (committedFirst.contains(u.id()) ? 0 : 1);
            assertEquals(expected, Invocations.of(u.id()), committedFirst.contains(u.id())
                    ? "committed unit " + u.id() + " was not recomputed" : "uncommitted unit " + u.id() + " ran once more");
        }
        Dataset<Row> rows = sweeps.table(LineStatsJob.TABLE);
        assertEquals(12 * 5, rows.count(), "every unit's rows exactly once");
        assertEquals(12 * 5, rows.select("unit_id", "example_id").distinct().count());
        assertEquals(IntStream.range(0, 60).mapToObj(i -> (long) (i + 1)).collect(Collectors.toSet()),
                new HashSet<>(rows.select("line").as(org.apache.spark.sql.Encoders.LONG()).collectAsList()),
                "12 modulo shards of 5 lines each are lines 1..60");
        Dataset<Row> manifest = sweeps.table("manifest").where(col("status").equalTo("committed"));
        assertEquals(12, manifest.count(), "one committed attempt per unit");
        assertEquals(12, manifest.select("unit_id").distinct().count());
        assertEquals(Set.of(1, 2), new HashSet<>(manifest.select("run_attempt").as(org.apache.spark.sql.Encoders.INT()).collectAsList()));
    }

    @Test
    void malformedJsonlLinesBecomeErrorRowsAndTheUnitGoesOn() throws Exception {
        TestSweeps sweeps = new TestSweeps(dir);
        Path data = sweeps.write("records.jsonl", """
                {"id": "a"}
                {"id": "b",
                {"id": "c"}
                [1, 2]
                {"id": "e"}
                """);
        Path conf = sweeps.conf("jsonl.conf", """
                sweep.datasets { recs { format = jsonl, path = "%s" } }
                sweep.jobs = [ { job = jsonl-echo, datasets = [recs] } ]
                """.formatted(data));
        SweepResult result = TestSweeps.run(TestSweeps.plan(List.of(new JsonlEchoJob()), conf));
        assertEquals(1, result.committed());
        assertEquals(2, result.badRecords());
        assertEquals(List.of("a", "c", "e"), sweeps.table(JsonlEchoJob.TABLE).orderBy("id").select("id")
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        List<Row> errors = sweeps.table("errors").orderBy("line").select("source", "line", "reason", "dataset").collectAsList();
        assertEquals(2, errors.size());
        assertEquals(data.toString(), errors.get(0).getString(0));
        assertEquals(2L, errors.get(0).getLong(1));
        assertTrue(errors.get(0).getString(2).startsWith("malformed JSON"), errors.get(0).getString(2));
        assertEquals(4L, errors.get(1).getLong(1));
        assertEquals("expected a JSON object, found array", errors.get(1).getString(2));
        assertEquals("recs", errors.get(1).getString(3));
        assertEquals(2L, sweeps.table("manifest").select("bad_records").first().getLong(0));
    }

    @Test
    void everyColumnTypeAndArtifactsRoundTripThroughSpark() throws Exception {
        TestSweeps sweeps = new TestSweeps(dir);
        Path conf = sweeps.conf("types.conf", "sweep.jobs = [ { job = all-types } ]\n");
        assertEquals(1, TestSweeps.run(TestSweeps.plan(List.of(new AllTypesJob()), conf)).committed());
        Dataset<Row> table = sweeps.table(AllTypesJob.TABLE);
        StructType schema = table.schema();
        assertEquals(DataTypes.StringType, schema.apply("run_id").dataType());
        assertEquals(DataTypes.LongType, schema.apply("step").dataType());
        assertEquals(DataTypes.IntegerType, schema.apply("i").dataType());
        assertEquals(DataTypes.FloatType, schema.apply("f").dataType());
        assertEquals(DataTypes.TimestampType, schema.apply("t").dataType());
        assertEquals(DataTypes.FloatType, ((ArrayType) schema.apply("fa").dataType()).elementType());
        assertEquals(DataTypes.DoubleType, ((ArrayType) schema.apply("da").dataType()).elementType());
        assertEquals(DataTypes.StringType, ((ArrayType) schema.apply("sa").dataType()).elementType());
        Row full = table.where(col("example_id").equalTo("full")).first();
        assertEquals("x", full.getAs("s"));
        assertEquals(8L, (long) full.getAs("l"));
        assertEquals(1.5f, (float) full.getAs("f"));
        assertEquals(86_400_000L, ((java.sql.Timestamp) full.getAs("t")).getTime());
        assertEquals(List.of(1f, 2f), full.getList(full.fieldIndex("fa")));
        assertEquals(List.of(4, 5, 6), full.getList(full.fieldIndex("ia")));
        assertEquals(List.of("a", "b"), full.getList(full.fieldIndex("sa")));
        Row empty = table.where(col("example_id").isNull()).first();
        assertTrue(empty.isNullAt(empty.fieldIndex("fa")));
        assertEquals(List.of(), empty.getList(empty.fieldIndex("ia")), "an empty array is not null");
        Path artifact = Path.of(java.net.URI.create(full.<String>getAs("artifact")).getPath());
        assertEquals("hello", Files.readString(artifact));
        assertTrue(artifact.toString().contains("/artifacts/run=sweep/"), artifact.toString());
    }

    @Test
    void anEntryWithAfterIsPlannedAndRunOnceTheJobItFollowsHasCommittedAndResumes() throws Exception {
        TestSweeps sweeps = new TestSweeps(dir);
        Path data = Files.copy(RepoPaths.dataset("world/pretrain.txt"), dir.resolve("lines.txt"));
        Path conf = sweeps.conf("stages.conf", """
                sweep {
                  name = stages
                  datasets { lines { format = text, path = "%s", shards = 3, max-records = 2 } }
                  jobs = [
                    { job = committed-count, after = [line-stats], params { from = ${run.out}"/line_stats/run="${run.id} } }
                    { job = line-stats, datasets = [lines] }
                  ]
                }
                """.formatted(data));
        List<org.neurosweep.job.Job> jobs = List.of(new LineStatsJob(), new CommittedCountJob());
        SweepPlan plan = TestSweeps.plan(jobs, conf);   // the follower's planner would refuse now: nothing is committed
        assertEquals(3, plan.unitCount(), "stage 0: the three line-stats units");
        assertEquals(1, plan.lastStage());
        SweepResult first = TestSweeps.run(plan);
        assertEquals(List.of(), first.failures());
        assertEquals(3 + 1, first.committed());
        assertEquals(3 + 1, first.planned());
        assertEquals(List.of("line-stats", "committed-count"), first.plan().jobs().stream().map(pj -> pj.job().name()).toList(),
                "the result's plan has the later stage, for headlines and reports");
        List<Row> counts = sweeps.table(CommittedCountJob.TABLE).collectAsList();
        assertEquals(1, counts.size());
        assertEquals(3, counts.get(0).getInt(counts.get(0).fieldIndex("files")), "it ran after the three units committed");

        WorkUnit follower = first.plan().jobs().get(1).units().get(0);
        SweepResult again = TestSweeps.run(TestSweeps.plan(jobs, conf));
        assertEquals(4, again.alreadyCommitted(), "a rerun plans the later stage again and skips its committed unit");
        assertEquals(0, again.committed());
        assertEquals(1, Invocations.of(follower.id()));
    }

    @Test
    void aStageWhoseJobsToFollowHaveAFailedUnitIsNotRun() throws Exception {
        TestSweeps sweeps = new TestSweeps(dir);
        Path data = Files.copy(RepoPaths.dataset("world/pretrain.txt"), dir.resolve("lines.txt"));
        Path conf = sweeps.conf("blocked.conf", """
                sweep {
                  name = blocked
                  datasets { lines { format = text, path = "%s", max-records = 2 } }
                  datasets { echo { format = jsonl, path = "%s" } }
                  jobs = [
                    { job = committed-count, params { from = "%s", fail = true } }
                    { job = line-stats, datasets = [lines], after = [committed-count] }
                    { job = jsonl-echo, datasets = [echo], after = [line-stats] }
                  ]
                }
                """.formatted(data, RepoPaths.dataset("world/composite.jsonl"), sweeps.out().resolve("manifest/run=seed")));
        // a folder with one committed file for the failing entry's planner: an earlier run's manifest
        Files.createDirectories(sweeps.out().resolve("manifest/run=seed"));
        Files.writeString(sweeps.out().resolve("manifest/run=seed/part-x.parquet"), "not read");
        SweepResult result = TestSweeps.run(TestSweeps.plan(List.of(new LineStatsJob(), new CommittedCountJob(),
                new JsonlEchoJob()), conf));
        assertEquals(1, result.failed());
        assertEquals(1, result.planned(), "line-stats was never planned");
        assertEquals(List.of("committed-count"), result.plan().jobs().stream().map(pj -> pj.job().name()).toList());
        assertFalse(Files.exists(sweeps.out().resolve(LineStatsJob.TABLE)), "and never ran");
        assertEquals(List.of("stage 1 (line-stats) not run: 1 units of committed-count are not committed",
                        "stage 2 (jsonl-echo) not run: line-stats was not run"),
                result.stagesNotRun(), "the result says so (the CLI exits with status 6), for the stage after it too");
        assertFalse(Files.exists(sweeps.out().resolve(JsonlEchoJob.TABLE)), "which never ran either");
    }

    @Test
    void roundsAggregateOnTheDriverAndResumeAfterACrash() throws Exception {
        TestSweeps sweeps = new TestSweeps(dir);
        List<Double> numbers = List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0);
        Path data = sweeps.write("numbers.txt", numbers.stream().map(d -> Double.toString(d)).collect(Collectors.joining("\n")) + "\n");
        Path conf = sweeps.conf("rounds.conf", """
                sweep.datasets { numbers { format = text, path = "%s", shards = 3, shard-mode = contiguous } }
                sweep.jobs = [ { job = mean-rounds, datasets = [numbers], params { rounds = 3 } } ]
                """.formatted(data));
        SweepPlan crashing = TestSweeps.plan(List.of(new MeanRoundsJob(1)), conf);
        assertEquals(3 * (3 + 1), SweepRunner.plannedUnits(crashing), "3 rounds of 3 clients and an aggregation");
        assertThrows(InjectedCrash.class, () -> TestSweeps.run(crashing));
        assertEquals(1, sweeps.table(MeanRoundsJob.GLOBAL).count(), "round 0 was aggregated before the crash");

        SweepResult resumed = TestSweeps.run(TestSweeps.plan(List.of(new MeanRoundsJob(-1)), conf));
        assertEquals(3 + 1 + 3, resumed.alreadyCommitted(), "round 0 and round 1's clients were committed");
        assertEquals(1 + 3 + 1, resumed.committed(), "round 1's aggregation, then round 2");
        double mean = numbers.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        List<Double> globals = sweeps.table(MeanRoundsJob.GLOBAL).orderBy("global").select("global")
                .as(org.apache.spark.sql.Encoders.DOUBLE()).collectAsList();
        assertEquals(3, globals.size());
        for (int r = 1; r <= 3; r++) {
            assertEquals(mean * (1 - Math.pow(2, -r)), globals.get(r - 1), 1e-12, "global value after round " + r);
        }
        assertEquals(9, sweeps.table(MeanRoundsJob.CLIENTS).count());
        for (WorkUnit client : crashing.units()) {
            for (int r = 0; r < 3; r++) {
                assertEquals(1, Invocations.of(client.inRound(r).id()), "client " + client.describe() + " round " + r + " ran once");
            }
        }
    }

    private static void awaitNoRunningTasks() throws InterruptedException {
        org.apache.spark.SparkStatusTracker tracker = org.neurosweep.testjobs.TestSpark.session().sparkContext().statusTracker();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (runningTasks(tracker) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, runningTasks(tracker), "the aborted job's tasks ended");
    }

    private static int runningTasks(org.apache.spark.SparkStatusTracker tracker) {
        return java.util.Arrays.stream(tracker.getExecutorInfos()).mapToInt(org.apache.spark.SparkExecutorInfo::numRunningTasks).sum();
    }

    private static Set<String> ids(Dataset<Row> unitIds) {
        return new HashSet<>(unitIds.as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    }
}
