package org.neurosweep.sweep;

import org.neurosweep.job.Job;
import org.neurosweep.job.WorkUnit;

import java.util.ArrayList;
import java.util.List;

/**
 * The expanded sweep: for every job entry planned so far, its units in plan order (ids unique across the plan), and
 * the entries of later stages ({@link JobEntry#stage()} above 0), which are planned only when the stages before them
 * have committed ({@link SweepPlanner#planStage}), since their planners may read what those committed.
 */
public record SweepPlan(SweepConfig config, List<PlannedJob> jobs, List<JobEntry> later) {

    public SweepPlan {
        jobs = List.copyOf(jobs);
        later = List.copyOf(later);
    }

    /** A plan without later stages. */
    public SweepPlan(SweepConfig config, List<PlannedJob> jobs) {
        this(config, jobs, List.of());
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

    /** The highest stage of the sweep's entries (0: every entry runs at once). */
    public int lastStage() {
        return later.stream().mapToInt(JobEntry::stage).max().orElse(0);
    }

    /** The later entries of {@code stage}, in config order. */
    public List<JobEntry> laterEntries(int stage) {
        return later.stream().filter(e -> e.stage() == stage).toList();
    }

    /** This plan with {@code stage}'s entries planned as {@code planned}: they join the jobs and leave the later entries. */
    public SweepPlan withStage(int stage, List<PlannedJob> planned) {
        List<PlannedJob> all = new ArrayList<>(jobs);
        all.addAll(planned);
        return new SweepPlan(config, all, later.stream().filter(e -> e.stage() != stage).toList());
    }
}
