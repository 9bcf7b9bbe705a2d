package org.neurosweep.job;

/**
 * A map job with a driver-side summary across its units (e.g. trajectories over the checkpoints of a series). Once
 * every unit the job planned in the run is committed, the engine runs {@link #summarize} on the driver as one more
 * unit of the job (no model, no dataset; same commit protocol and manifest row): it reads the job's committed tables
 * and writes rows to the job's summary tables, which are among {@link Job#tables()}. While some unit is missing (failed,
 * or not yet run) the summary is not written; the rerun that completes the job writes it.
 */
public interface SupportsSummary {

    /** Computes the summary rows from the run's committed {@code tables} and writes them to {@code out}. */
    void summarize(TableReader tables, RowSink out) throws Exception;
}
