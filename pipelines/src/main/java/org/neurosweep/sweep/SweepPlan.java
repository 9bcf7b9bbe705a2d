package org.neurosweep.sweep;

import org.neurosweep.job.Job;
import org.neurosweep.job.WorkUnit;

import java.util.List;

/** The expanded sweep: for every job entry, its units in plan order (ids unique across the plan). */
public record SweepPlan(SweepConfig config, List<PlannedJob> jobs) {

    public SweepPlan {
        jobs = List.copyOf(jobs);
    }

    /** One job entry's units. */
    public record PlannedJob(Job job, List<WorkUnit> units) {

        public PlannedJob {
            units = List.copyOf(units);
        }
    }

    public int unitCount() {
        return jobs.stream().mapToInt(j -> j.units().size()).sum();
    }

    public List<WorkUnit> units() {
        return jobs.stream().flatMap(j -> j.units().stream()).toList();
    }
}
