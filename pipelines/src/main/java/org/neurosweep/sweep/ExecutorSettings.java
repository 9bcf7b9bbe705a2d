package org.neurosweep.sweep;

import java.io.Serializable;

/**
 * What executors need to know (shipped in the Spark closure).
 *
 * @param modelCacheBytes   fp32 weight bytes an executor JVM keeps loaded; least recently used models are evicted beyond
 * @param microBatchMemory  working memory of one micro-batch; kernels divide it by their per-example estimate
 * @param maxMicroBatch     upper bound of a micro-batch
 * @param unitsPerTask      units per Spark task (partition)
 * @param scratchDir        local folder for copies of remote models and datasets
 * @param maxRecordBytes    the longest dataset record (line) a unit reads; longer ones become errors rows
 */
public record ExecutorSettings(long modelCacheBytes, long microBatchMemory, int maxMicroBatch, int unitsPerTask,
                               String scratchDir, long maxRecordBytes) implements Serializable {
}
