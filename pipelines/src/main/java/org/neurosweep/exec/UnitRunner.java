package org.neurosweep.exec;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.neurosweep.data.RecordLimit;
import org.neurosweep.job.ModelRef;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.table.ManifestRow;
import org.neurosweep.table.ManifestWriter;
import org.neurosweep.table.RunLease;
import org.neurosweep.table.UnitCommitter;
import org.neurosweep.table.UnitOutput;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs unit attempts on an executor (or, for rounds aggregation, the driver): skips units already committed, binds
 * the device, runs the kernel into a staged {@link UnitOutput}, commits it together with its manifest row (or
 * records the failed or superseded attempt's row) and counts the outcome. A unit that throws is recorded {@code failed} with the reason and the next unit runs; only a killed task
 * (Spark interrupts it) propagates.
 */
final class UnitRunner {

    private final TaskPlan plan;
    private final Configuration hadoop;
    private final ExecutorRuntime runtime;
    private final UnitCommitter committer;
    private final ManifestWriter manifest;

    UnitRunner(TaskPlan plan) {
        this.plan = plan;
        this.hadoop = plan.hadoop().value().get();
        this.runtime = ExecutorRuntime.get(plan.executor(), plan.nativeLibs(), plan.hadoop().value());
        this.committer = new UnitCommitter(plan.layout(), hadoop, plan.fence(), UnitCommitter.StepHook.NONE);
        this.manifest = new ManifestWriter(plan.layout(), hadoop);
    }

    List<UnitOutcome> runAll(List<WorkUnit> units) throws IOException {
        List<UnitOutcome> out = new ArrayList<>();
        for (WorkUnit unit : units) {
            out.add(run(unit));
        }
        return out;
    }

    UnitOutcome run(WorkUnit unit) throws IOException {
        if (committer.isCommitted(unit.id())) {
            return new UnitOutcome(unit.id(), unit.describe(), UnitStatus.SKIPPED, null, 0, false);
        }
        TaskContext task = TaskContext.get();
        String attemptId = attemptId(task);
        long started = System.currentTimeMillis();
        Device device = runtime.devices().bind(task);
        JobKernels job = plan.jobs().get(unit.job());
        UnitOutput staged = new UnitOutput(plan.layout(), unit, attemptId, job.tables(), hadoop,
                Path.of(plan.executor().scratchDir(), "artifacts", unit.id() + "-" + attemptId));
        ExecutorInputs inputs = new ExecutorInputs(unit, runtime,
                (long) (plan.executor().microBatchMemory() / job.activationFactor()), device);
        UnitStatus status;
        String error = null;
        ManifestRow row = null;
        try (inputs; RecordLimit.Scope limit = RecordLimit.scope(plan.executor().maxRecordBytes())) {
            runtime.kernel(unit.job(), job.kernels()).run(unit, inputs, staged);
            staged.finish();
            row = manifestRow(unit, task, attemptId, staged, inputs, device, started);
            status = committer.commit(staged, row) == UnitCommitter.Outcome.COMMITTED
                    ? UnitStatus.COMMITTED : UnitStatus.SUPERSEDED;
        } catch (Exception | OutOfMemoryError | StackOverflowError | LinkageError e) {
            staged.discard();
            if (task != null && task.isInterrupted()) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException("task killed", e);
            }
            // an attempt that fails once another attempt committed its unit (its staging was cleaned) lost nothing
            status = e instanceof RunLease.LeaseLostException || committer.isCommitted(unit.id())
                    ? UnitStatus.SUPERSEDED : UnitStatus.FAILED;
            error = describe(e);
        }
        if (status != UnitStatus.COMMITTED) {
            ManifestRow attempt = row != null ? row : manifestRow(unit, task, attemptId, staged, inputs, device, started);
            manifest.writeAttempt(attempt.withStatus(status.column(), error));
        }
        plan.metrics().record(status, staged.rows(), staged.badRecordCount(), inputs.loadedModel(), inputs.loadMillis());
        return new UnitOutcome(unit.id(), unit.describe(), status, error, staged.rows(), inputs.loadedModel());
    }

    /** The attempt's row as it commits; {@link ManifestRow#withStatus} gives the row of another outcome. */
    private ManifestRow manifestRow(WorkUnit unit, TaskContext task, String attemptId, UnitOutput staged,
                                    ExecutorInputs inputs, Device device, long started) {
        ModelRef model = unit.primaryModel();
        Versions v = Versions.current();
        return new ManifestRow(
                plan.layout().runId(), unit.id(), attemptId, plan.runAttempt(), task == null ? 0 : task.attemptNumber(),
                unit.job(), unit.jobVersion(),
                model == null ? null : model.id(), model == null ? null : model.checkpointLabel(),
                model == null ? null : model.step(),
                unit.dataset() == null ? null : unit.dataset().name(),
                unit.dataset() == null ? null : unit.dataset().shard().index() + "/" + unit.dataset().shard().count(),
                unit.round() < 0 ? null : unit.round(),
                unit.params().canonical(), unit.describe(), UnitStatus.COMMITTED.column(), null,
                staged.rows(), staged.badRecordCount(),
                inputs.loadedModel(), inputs.loadMillis(), inputs.chosenMicroBatch(), device.name(), device.bound(), "float32",
                SparkEnv.get().executorId(), host(), started, System.currentTimeMillis() - started,
                v.neurosweep(), v.spark(), v.nd4j(), v.nd4jBackend(), v.java());
    }

    /** "r2-t41-9f3a2c": run attempt, Spark task attempt id (unique in the application), a random tag. */
    private String attemptId(TaskContext task) {
        String tag = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
        return "r" + plan.runAttempt() + "-" + (task == null ? "driver" : "t" + task.taskAttemptId()) + "-" + tag;
    }

    /** "Class: message" for the exception and up to two causes, the manifest's {@code error}. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < 3; depth++, t = t.getCause()) {
            if (depth > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString();
    }

    /** The host as Spark knows the executor (the driver's for aggregation units). */
    private static String host() {
        return SparkEnv.get().blockManager().blockManagerId().host();
    }
}
