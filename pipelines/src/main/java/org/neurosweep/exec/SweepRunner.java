package org.neurosweep.exec;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.neurosweep.job.Job;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.RoundsJob;
import org.neurosweep.job.RunJob;
import org.neurosweep.job.TableSchema;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.sweep.EngineSettings;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.table.EngineTables;
import org.neurosweep.table.RunFiles;
import org.neurosweep.table.TableLayout;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a {@link SweepPlan} on Spark (the driver side of DESIGN.md's data flow): skips the units committed by earlier
 * invocations of the run, runs the rest (run-shape units first, one task each; then map units sorted by model so
 * that executors reuse loaded weights; then rounds jobs; then the driver-side summaries of
 * {@link org.neurosweep.job.SupportsSummary} jobs), shows progress, stops early when failures pass the ceiling, and
 * cleans up what crashed attempts left.
 */
public final class SweepRunner {

    private final SparkSession spark;
    private final PrintStream console;
    private final boolean terminal;

    /** @param terminal whether {@code console} is a terminal (the progress line is then redrawn in place) */
    public SweepRunner(SparkSession spark, PrintStream console, boolean terminal) {
        this.spark = spark;
        this.console = console;
        this.terminal = terminal;
    }

    public SweepResult run(SweepPlan plan) throws IOException {
        long start = System.nanoTime();
        EngineSettings settings = plan.config().engine();
        TableLayout layout = new TableLayout(settings.out(), settings.runId());
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        RunFiles files = new RunFiles(layout, hadoop);
        List<String> tables = tableNames(plan);
        files.removeUncommitted(tables);
        Set<String> committedBefore = files.committedUnits();
        int planned = plannedUnits(plan);
        int alreadyCommitted = countCommitted(plan, committedBefore);
        int runAttempt = files.registerAttempt(attemptRecord(plan, planned, alreadyCommitted));
        SweepMetrics metrics = SweepMetrics.register(spark.sparkContext());
        Broadcast<HadoopConf> hadoopConf = jsc.broadcast(new HadoopConf(hadoop));
        StageRunner stages = new StageRunner(jsc, layout, settings, runAttempt, metrics, hadoopConf);

        String group = "neurosweep-" + settings.runId() + "-" + runAttempt;
        jsc.setJobGroup(group, "neurosweep " + plan.config().name() + " run " + settings.runId(), true);
        long allowedFailures = (long) Math.floor(settings.failureCeiling() * planned);
        AtomicBoolean aborted = new AtomicBoolean();
        console.printf("run %s (attempt %d): %d units planned, %d already committed, tables under %s%n",
                settings.runId(), runAttempt, planned, alreadyCommitted, settings.out());
        List<UnitOutcome> outcomes = new ArrayList<>();
        try (ProgressReporter progress = new ProgressReporter(settings.runId(), metrics, planned - alreadyCommitted,
                allowedFailures, () -> {
                    aborted.set(true);
                    jsc.cancelJobGroup(group);
                }, console, terminal, settings.progressInterval()).start()) {
            outcomes.addAll(stages.run(plan.config().name() + ": " + (planned - alreadyCommitted) + " units",
                    kernels(plan), tasks(plan, committedBefore, settings.executor().unitsPerTask())));
            RoundsDriver rounds = new RoundsDriver(stages, layout, files, hadoop);
            for (SweepPlan.PlannedJob pj : plan.jobs()) {
                if (pj.job() instanceof RoundsJob<?> r && !aborted.get()) {
                    outcomes.addAll(rounds.run(r, pj.units()));
                }
            }
            if (!aborted.get()) {
                outcomes.addAll(new SummaryDriver(stages, files, layout, spark).run(plan));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Spark's job failures (a task failing spark.task.maxFailures times) arrive undeclared as SparkException
            if (!aborted.get()) {
                throw new SweepFailedException("the Spark job of run " + settings.runId() + " failed: " + e.getMessage(), e);
            }
        }
        if (!aborted.get() && !spark.sparkContext().conf().getBoolean("spark.speculation", false)) {
            files.removeUncommitted(tables);
        }
        List<UnitOutcome> failures = aborted.get() ? failuresFromManifest(layout, runAttempt)
                : outcomes.stream().filter(o -> o.status() == UnitStatus.FAILED).toList();
        int committed = (int) outcomes.stream().filter(o -> o.status() == UnitStatus.COMMITTED).count();
        return new SweepResult(settings.runId(), settings.out(), runAttempt, planned, alreadyCommitted,
                aborted.get() ? (int) metrics.committed() : committed, failures, metrics.rows(), metrics.badRecords(),
                metrics.modelLoads(), aborted.get(), settings.failureCeiling(), Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Map and run units not yet committed, grouped into tasks: each run unit alone (first: they are the long ones),
     * then map units sorted by model (stable, so plan order within a model), {@code perTask} at a time.
     */
    static List<List<WorkUnit>> tasks(SweepPlan plan, Set<String> committed, int perTask) {
        List<List<WorkUnit>> tasks = new ArrayList<>();
        List<WorkUnit> mapUnits = new ArrayList<>();
        for (SweepPlan.PlannedJob pj : plan.jobs()) {
            for (WorkUnit u : pj.units()) {
                if (committed.contains(u.id())) {
                    continue;
                }
                if (pj.job() instanceof RunJob) {
                    tasks.add(List.of(u));
                } else if (pj.job() instanceof MapJob) {
                    mapUnits.add(u);
                }
            }
        }
        mapUnits.sort(Comparator.comparing(WorkUnit::groupKey));
        for (int i = 0; i < mapUnits.size(); i += perTask) {
            tasks.add(List.copyOf(mapUnits.subList(i, Math.min(mapUnits.size(), i + perTask))));
        }
        return tasks;
    }

    private static Map<String, JobKernels> kernels(SweepPlan plan) {
        Map<String, JobKernels> out = new LinkedHashMap<>();
        for (SweepPlan.PlannedJob pj : plan.jobs()) {
            Job job = pj.job();
            if (job instanceof MapJob m) {
                out.put(job.name(), JobKernels.of(job, m.kernels()));
            } else if (job instanceof RunJob r) {
                out.put(job.name(), JobKernels.of(job, r.kernels()));
            }
        }
        return out;
    }

    /** Units in the plan, counting each round's clients and aggregation for rounds jobs. */
    static int plannedUnits(SweepPlan plan) {
        int n = 0;
        for (SweepPlan.PlannedJob pj : plan.jobs()) {
            n += pj.job() instanceof RoundsJob<?> r ? RoundsDriver.unitCount(r, pj.units()) : pj.units().size();
        }
        return n + SummaryDriver.unitCount(plan);
    }

    private static int countCommitted(SweepPlan plan, Set<String> committed) {
        int n = 0;
        for (SweepPlan.PlannedJob pj : plan.jobs()) {
            n += pj.job() instanceof RoundsJob<?> r ? RoundsDriver.committedCount(r, pj.units(), committed)
                    : (int) pj.units().stream().filter(u -> committed.contains(u.id())).count();
        }
        return n + SummaryDriver.committedCount(plan, committed);
    }

    private static List<String> tableNames(SweepPlan plan) {
        List<String> names = new ArrayList<>();
        for (SweepPlan.PlannedJob pj : plan.jobs()) {
            pj.job().tables().stream().map(TableSchema::name).forEach(names::add);
        }
        names.add(EngineTables.ERRORS.name());
        return names;
    }

    private List<UnitOutcome> failuresFromManifest(TableLayout layout, int runAttempt) {
        List<UnitOutcome> out = new ArrayList<>();
        List<Row> rows = spark.read().parquet(layout.tableDir(EngineTables.MANIFEST.name()).toString())
                .where("status = 'failed' and run_attempt = " + runAttempt)
                .select("unit_id", "description", "error").collectAsList();
        for (Row r : rows) {
            out.add(new UnitOutcome(r.getString(0), r.getString(1), UnitStatus.FAILED, r.getString(2), 0, false));
        }
        return out;
    }

    private String attemptRecord(SweepPlan plan, int planned, int alreadyCommitted) {
        return "{\"sweep\":\"" + plan.config().name() + "\",\"planned\":" + planned + ",\"already_committed\":"
                + alreadyCommitted + ",\"master\":\"" + spark.sparkContext().master() + "\",\"application_id\":\""
                + spark.sparkContext().applicationId() + "\",\"user\":\"" + System.getProperty("user.name")
                + "\",\"started_at\":" + System.currentTimeMillis() + "}";
    }
}
