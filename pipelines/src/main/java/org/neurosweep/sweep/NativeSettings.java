package org.neurosweep.sweep;

import java.io.Serializable;

/**
 * ND4J's native side on executors (landscape C.3): javacpp's off-heap ceilings and cache folder, and the number of
 * ND4J/OpenMP threads per task.
 *
 * @param threads  threads per task; 0 = {@code spark.task.cpus}
 * @param cacheDir where javacpp extracts native libraries (must be writable on executors)
 */
public record NativeSettings(long maxBytes, long maxPhysicalBytes, int threads, String cacheDir) implements Serializable {
}
