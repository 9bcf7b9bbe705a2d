package org.neurosweep.exec;

import org.neurosweep.sweep.SweepPlan;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of one invocation of a run.
 *
 * @param planned          units in the plan (rounds jobs: clients x rounds + one aggregation per round)
 * @param alreadyCommitted units committed by earlier invocations, skipped
 * @param committed        units committed by this invocation
 * @param superseded       attempts of this invocation that found their unit committed by another attempt (a
 *                         retry or speculative copy, or another invocation) and published nothing
 * @param failures         the units that failed in this invocation, with their reasons
 * @param aborted          the run stopped early because failures passed the ceiling
 * @param leaseLost        another invocation took this run over while it ran (this one was presumed dead)
 * @param plan             the plan with every stage that was planned (later stages join it as they start)
 * @param stagesNotRun     per later stage left unplanned, why: the units of the jobs it follows that did not commit
 */
public record SweepResult(String runId, String out, int runAttempt, int planned, int alreadyCommitted, int committed,
                          int superseded, List<UnitOutcome> failures, long rows, long badRecords, long modelLoads,
                          boolean aborted, boolean leaseLost, double failureCeiling, Duration elapsed, SweepPlan plan,
                          List<String> stagesNotRun) {

    public SweepResult {
        failures = List.copyOf(failures);
        stagesNotRun = List.copyOf(stagesNotRun);
    }

    public int failed() {
        return failures.size();
    }

    /** Whether more than the configured fraction of planned units failed (the run exits non-zero). */
    public boolean ceilingExceeded() {
        return aborted || (planned > 0 && (double) failed() / planned > failureCeiling);
    }
}
