package org.neurosweep.table;

/**
 * One row of the {@code manifest} table: one attempt of one unit. Field order is the table's column order
 * ({@link EngineTables#MANIFEST}, where each column is documented); {@link #values()} is what the writer takes.
 */
public record ManifestRow(
        String runId, String unitId, String attemptId, int runAttempt, int taskAttempt,
        String job, int jobVersion, String modelId, String checkpoint, Long step,
        String dataset, String shard, Integer round, String params, String description,
        String status, String error, long rows, long badRecords,
        boolean modelLoaded, long modelLoadMs, int microBatch, String device, boolean deviceBound, String dtype,
        String executorId, String executorHost, long startedAt, long elapsedMs,
        String neurosweepVersion, String sparkVersion, String nd4jVersion, String nd4jBackend, String javaVersion) {

    /** The same attempt with another outcome; a row that did not commit counts no rows. */
    public ManifestRow withStatus(String newStatus, String newError) {
        boolean committed = newStatus.equals("committed");
        return new ManifestRow(runId, unitId, attemptId, runAttempt, taskAttempt, job, jobVersion, modelId, checkpoint,
                step, dataset, shard, round, params, description, newStatus, newError,
                committed ? rows : 0L, committed ? badRecords : 0L, modelLoaded, modelLoadMs, microBatch, device,
                deviceBound, dtype, executorId, executorHost, startedAt, elapsedMs, neurosweepVersion, sparkVersion,
                nd4jVersion, nd4jBackend, javaVersion);
    }

    /** The values in {@link EngineTables#MANIFEST}'s column order. */
    public Object[] values() {
        return new Object[]{runId, unitId, attemptId, runAttempt, taskAttempt, job, jobVersion, modelId, checkpoint,
                step, dataset, shard, round, params, description, status, error, rows, badRecords, modelLoaded,
                modelLoadMs, microBatch, device, deviceBound, dtype, executorId, executorHost, startedAt, elapsedMs,
                neurosweepVersion, sparkVersion, nd4jVersion, nd4jBackend, javaVersion};
    }
}
