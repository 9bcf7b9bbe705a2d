package org.neurosweep.sweep;

import java.time.Duration;

/**
 * The {@code neurosweep} section of the config: where tables go, which run, how much may fail, and how executors,
 * native libraries and Spark are set up.
 *
 * @param out            root of the output tables, a Hadoop file system URI
 * @param runId          the run the tables are written under; a rerun with the same id resumes
 * @param failureCeiling fraction of planned units that may fail before the run exits non-zero
 */
public record EngineSettings(String out, String runId, double failureCeiling, ExecutorSettings executor,
                             NativeSettings nativeLibs, SparkSettings spark, Duration progressInterval) {
}
