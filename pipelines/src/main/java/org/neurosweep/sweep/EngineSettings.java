package org.neurosweep.sweep;

import java.time.Duration;

/**
 * The {@code neurosweep} section of the config: where tables go, which run, how much may fail, and how executors,
 * native libraries and Spark are set up.
 *
 * @param out            root of the output tables, a Hadoop file system URI
 * @param runId          the run the tables are written under; a rerun with the same id resumes
 * @param failureCeiling fraction of planned units that may fail before the run exits non-zero
 * @param runLease       how long the run's lease stays live without renewal (a driver silent for longer is presumed
 *                       dead, and another invocation may take the run over)
 */
public record EngineSettings(String out, String runId, double failureCeiling, Duration runLease,
                             ExecutorSettings executor, NativeSettings nativeLibs, SparkSettings spark,
                             Duration progressInterval) {
}
