package org.neurosweep.table;

import java.time.Duration;

/** Another live invocation holds the lease of the run this one was asked to run (see {@link RunLease}). */
public final class RunInProgressException extends RuntimeException {

    private final RunLease.Holder holder;

    public RunInProgressException(TableLayout layout, RunLease.Holder holder, Duration idle) {
        super("run " + layout.runId() + " in " + layout.out() + " is being run by " + holder.describe()
                + ", lease renewed " + idle.toSeconds() + " s ago; wait for it to end (rerunning then resumes), or pass"
                + " another --run-id");
        this.holder = holder;
    }

    public RunLease.Holder holder() {
        return holder;
    }
}
