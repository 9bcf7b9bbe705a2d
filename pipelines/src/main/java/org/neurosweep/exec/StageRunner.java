package org.neurosweep.exec;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.sweep.EngineSettings;
import org.neurosweep.table.RunLease;
import org.neurosweep.table.TableLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Runs groups of units as one Spark stage (one task per group), or a single unit on the driver. */
final class StageRunner {

    private final JavaSparkContext jsc;
    private final TableLayout layout;
    private final RunLease.Fence fence;
    private final EngineSettings settings;
    private final int runAttempt;
    private final SweepMetrics metrics;
    private final Broadcast<HadoopConf> hadoop;

    StageRunner(JavaSparkContext jsc, TableLayout layout, RunLease.Fence fence, EngineSettings settings, int runAttempt,
                SweepMetrics metrics, Broadcast<HadoopConf> hadoop) {
        this.jsc = jsc;
        this.layout = layout;
        this.fence = fence;
        this.settings = settings;
        this.runAttempt = runAttempt;
        this.metrics = metrics;
        this.hadoop = hadoop;
    }

    /** Runs each group of {@code tasks} as one Spark task; {@code description} shows in the Spark UI. */
    List<UnitOutcome> run(String description, Map<String, JobKernels> jobs, List<List<WorkUnit>> tasks) {
        if (tasks.isEmpty()) {
            return List.of();
        }
        TaskPlan plan = plan(jobs);
        jsc.setJobDescription(description);
        return jsc.parallelize(tasks, tasks.size())
                .flatMap(group -> new UnitRunner(plan).runAll(group).iterator())
                .collect();
    }

    /** Runs {@code unit} in this JVM (rounds aggregation), with the same commit protocol and manifest row. */
    UnitOutcome runOnDriver(JobKernels job, WorkUnit unit) {
        try {
            return new UnitRunner(plan(Map.of(job.job(), job))).run(unit);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record unit " + unit.id(), e);
        }
    }

    private TaskPlan plan(Map<String, JobKernels> jobs) {
        return new TaskPlan(layout, fence, settings.executor(), settings.nativeLibs(), runAttempt, jobs, metrics, hadoop);
    }
}
