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
import org.neurosweep.sweep.JobEntry;
import org.neurosweep.sweep.PlanningException;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.sweep.SweepPlanner;
import org.neurosweep.table.EngineTables;
import org.neurosweep.table.RunFiles;
import org.neurosweep.table.RunLease;
import org.neurosweep.table.TableFileSystems;
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
 * recovers what crashed attempts left ({@link RunFiles#recover}), all under the run's {@link RunLease}. Entries
 * with {@code after} run as later stages, each planned and run once every unit of the jobs it follows has committed
 * (a stage whose predecessors have uncommitted units is reported and left for a rerun).
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

    /**
     * Runs {@code plan} as one invocation of its run: takes the run's lease (or throws
     * {@link org.neurosweep.table.RunInProgressException}), recovers what earlier invocations left, runs the units
     * not yet committed, recovers again, and releases the lease.
     */
    public SweepResult run(SweepPlan plan) throws IOException {
        EngineSettings settings = plan.config().engine();
        TableLayout layout = new TableLayout(settings.out(), settings.runId());
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        try (RunLease lease = RunLease.acquire(layout, hadoop, settings.runLease(), spark.sparkContext().applicationId())) {
            RunFiles files = new RunFiles(layout, hadoop);
            SweepResult result = runHoldingLease(plan, layout, hadoop, files, lease);
            files.markEnded(result.runAttempt());
            return result;
        }
    }

    private SweepResult runHoldingLease(SweepPlan plan, TableLayout layout, Configuration hadoop, RunFiles files,
                                        RunLease lease) throws IOException {
        long start = System.nanoTime();
        EngineSettings settings = plan.config().engine();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Set<String> committedBefore = files.committedUnits();
        int planned = plannedUnits(plan);
        int alreadyCommitted = countCommitted(plan, committedBefore);
        int runAttempt = files.registerAttempt(attemptRecord(plan, planned, alreadyCommitted));
        int recovered = files.recover(runAttempt);
        SweepMetrics metrics = SweepMetrics.register(spark.sparkContext());
        Broadcast<HadoopConf> hadoopConf = jsc.broadcast(new HadoopConf(hadoop));
        StageRunner stages = new StageRunner(jsc, layout, lease.fence(), settings, runAttempt, metrics, hadoopConf);

        String group = "neurosweep-" + settings.runId() + "-" + runAttempt;
        jsc.setJobGroup(group, "neurosweep " + plan.config().name() + " run " + settings.runId(), true);
        AtomicBoolean aborted = new AtomicBoolean();
        console.printf("run %s (attempt %d): %d units planned, %d already committed%s%s, tables under %s%n",
                settings.runId(), runAttempt, planned, alreadyCommitted,
                recovered == 0 ? "" : " (" + recovered + " of them published now: an earlier invocation died while publishing)",
                plan.lastStage() == 0 ? "" : "; " + plan.later().size() + " job entries planned later, after the jobs they follow",
                settings.out());
        List<UnitOutcome> outcomes = new ArrayList<>();
        List<String> stagesNotRun = new ArrayList<>();
        SweepPlan done = plan;
        try {
            Invocation run = new Invocation(stages, layout, files, hadoop, jsc, group, metrics, aborted);
            outcomes.addAll(run.stage(new SweepPlan(plan.config(), plan.jobs()), committedBefore, planned - alreadyCommitted));
            SweepPlanner planner = new SweepPlanner(settings.spark().hadoopConfiguration());
            for (int stage = 1; stage <= plan.lastStage() && !aborted.get(); stage++) {
                List<String> waiting = unfinishedPredecessors(done, stage, files.committedUnits());
                if (!waiting.isEmpty()) {
                    String why = "stage " + stage + " (" + jobNames(done.laterEntries(stage)) + ") not run: "
                            + String.join("; ", waiting);
                    console.println(why);
                    stagesNotRun.add(why);
                    continue;
                }
                String names = jobNames(done.laterEntries(stage));
                List<SweepPlan.PlannedJob> stageJobs = planner.planStage(done, stage);
                SweepPlan stagePlan = new SweepPlan(plan.config(), stageJobs);
                done = done.withStage(stage, stageJobs);
                Set<String> committed = files.committedUnits();
                int stagePlanned = plannedUnits(stagePlan);
                int stageCommitted = countCommitted(stagePlan, committed);
                planned += stagePlanned;
                alreadyCommitted += stageCommitted;
                console.printf("stage %d (%s): %d units planned, %d already committed%n", stage, names, stagePlanned,
                        stageCommitted);
                outcomes.addAll(run.stage(stagePlan, committed, stagePlanned - stageCommitted));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (PlanningException e) {
            throw e;
        } catch (Exception e) {
            // Spark's job failures (a task failing spark.task.maxFailures times) arrive undeclared as SparkException
            if (!aborted.get()) {
                throw new SweepFailedException("the Spark job of run " + settings.runId() + " failed: " + e.getMessage(), e);
            }
        }
        files.recover(runAttempt);
        List<UnitOutcome> failures = aborted.get() ? failuresFromManifest(layout, runAttempt)
                : outcomes.stream().filter(o -> o.status() == UnitStatus.FAILED).toList();
        int committed = (int) outcomes.stream().filter(o -> o.status() == UnitStatus.COMMITTED).count();
        return new SweepResult(settings.runId(), settings.out(), runAttempt, planned, alreadyCommitted,
                aborted.get() ? (int) metrics.committed() : committed, supersededFromManifest(layout, hadoop, runAttempt), failures,
                metrics.rows(), metrics.badRecords(), metrics.modelLoads(), aborted.get(), lease.lost(),
                settings.failureCeiling(), Duration.ofNanos(System.nanoTime() - start), done, stagesNotRun);
    }

    /**
     * What keeps {@code stage} from running: per job it follows, that an entry of it was itself not run (an earlier
     * stage left unplanned), or how many of its planned units are not committed (failed in this invocation or an
     * earlier one). Empty when every one is.
     */
    private static List<String> unfinishedPredecessors(SweepPlan plan, int stage, Set<String> committed) {
        Set<String> followed = new java.util.TreeSet<>();
        plan.laterEntries(stage).forEach(e -> followed.addAll(e.after()));
        List<String> out = new ArrayList<>();
        for (String name : followed) {
            if (plan.later().stream().anyMatch(e -> e.stage() < stage && e.job().name().equals(name))) {
                out.add(name + " was not run");
                continue;
            }
            long missing = plan.jobs().stream().filter(pj -> pj.job().name().equals(name))
                    .flatMap(pj -> pj.units().stream()).filter(u -> !committed.contains(u.id())).count();
            if (missing > 0) {
                out.add(missing + " units of " + name + " are not committed");
            }
        }
        return out;
    }

    private static String jobNames(List<JobEntry> entries) {
        return String.join(", ", entries.stream().map(e -> e.job().name()).distinct().toList());
    }

    /** One invocation's running of stages: the same Spark job group, metrics, abort flag and run files for each. */
    private final class Invocation {
        private final StageRunner stages;
        private final TableLayout layout;
        private final RunFiles files;
        private final Configuration hadoop;
        private final JavaSparkContext jsc;
        private final String group;
        private final SweepMetrics metrics;
        private final AtomicBoolean aborted;

        Invocation(StageRunner stages, TableLayout layout, RunFiles files, Configuration hadoop, JavaSparkContext jsc,
                   String group, SweepMetrics metrics, AtomicBoolean aborted) {
            this.stages = stages;
            this.layout = layout;
            this.files = files;
            this.hadoop = hadoop;
            this.jsc = jsc;
            this.group = group;
            this.metrics = metrics;
            this.aborted = aborted;
        }

        /**
         * Runs one stage's units not yet committed ({@code pending} of them, for progress and the failure ceiling):
         * map and run units, then rounds jobs, then the stage's driver-side summaries.
         */
        List<UnitOutcome> stage(SweepPlan stagePlan, Set<String> committed, int pending) throws Exception {
            EngineSettings settings = stagePlan.config().engine();
            long allowedFailures = (long) Math.floor(settings.failureCeiling() * plannedUnits(stagePlan));
            List<UnitOutcome> outcomes = new ArrayList<>();
            try (ProgressReporter progress = new ProgressReporter(settings.runId(), metrics, pending, allowedFailures, () -> {
                aborted.set(true);
                jsc.cancelJobGroup(group);
            }, console, terminal, settings.progressInterval()).start()) {
                outcomes.addAll(stages.run(stagePlan.config().name() + ": " + pending + " units", kernels(stagePlan),
                        tasks(stagePlan, committed, settings.executor().unitsPerTask())));
                RoundsDriver rounds = new RoundsDriver(stages, layout, files, hadoop);
                for (SweepPlan.PlannedJob pj : stagePlan.jobs()) {
                    if (pj.job() instanceof RoundsJob<?> r && !aborted.get()) {
                        outcomes.addAll(rounds.run(r, pj.units()));
                    }
                }
                if (!aborted.get()) {
                    outcomes.addAll(new SummaryDriver(stages, files, layout, spark).run(stagePlan));
                }
            }
            return outcomes;
        }
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

    /** Attempts of this invocation recorded as superseded (counted from the manifest: a speculative copy's task
     *  result and accumulators are dropped by Spark, its manifest row is not). */
    private int supersededFromManifest(TableLayout layout, Configuration hadoop, int runAttempt) throws IOException {
        org.apache.hadoop.fs.Path dir = layout.tableDir(EngineTables.MANIFEST.name());
        if (!TableFileSystems.get(dir, hadoop).exists(dir)) {
            return 0;
        }
        return (int) spark.read().parquet(dir.toString())
                .where("status = 'superseded' and run_attempt = " + runAttempt).count();
    }

    private String attemptRecord(SweepPlan plan, int planned, int alreadyCommitted) {
        return "{\"sweep\":\"" + plan.config().name() + "\",\"planned\":" + planned + ",\"already_committed\":"
                + alreadyCommitted + ",\"master\":\"" + spark.sparkContext().master() + "\",\"application_id\":\""
                + spark.sparkContext().applicationId() + "\",\"user\":\"" + System.getProperty("user.name")
                + "\",\"started_at\":" + System.currentTimeMillis() + "}";
    }
}
