package org.neurosweep.testjobs;

/**
 * A crash of the whole sweep, injected by a test kernel: an {@link Error} that the unit runner does not record as a
 * unit failure, so the Spark task fails and (in local mode) the job and the run die with it.
 */
public final class InjectedCrash extends Error {

    public InjectedCrash(String message) {
        super(message);
    }
}
