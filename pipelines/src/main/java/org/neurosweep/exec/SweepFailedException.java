package org.neurosweep.exec;

/**
 * A sweep that Spark itself gave up on (a task failed {@code spark.task.maxFailures} times, the cluster went away).
 * Unit failures are not this: they are recorded and the sweep goes on.
 */
public class SweepFailedException extends RuntimeException {

    public SweepFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
