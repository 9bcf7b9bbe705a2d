package org.neurosweep.job;

import java.io.Serializable;

/**
 * Makes the {@link Kernel} of a job on an executor. The factory is built on the driver and serialized into the
 * Spark closure, so it must carry only small, serializable settings (for a {@link RoundsJob}: what clients need of
 * the round's global state). {@link #create()} runs once per executor JVM, job and round.
 */
@FunctionalInterface
public interface KernelFactory extends Serializable {

    Kernel create();
}
