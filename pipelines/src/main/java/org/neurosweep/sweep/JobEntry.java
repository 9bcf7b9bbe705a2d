package org.neurosweep.sweep;

import org.neurosweep.job.Job;
import org.neurosweep.job.Params;

import java.util.List;

/**
 * One element of {@code sweep.jobs}: the job, the models and datasets it runs over, its parameter grid, and the jobs
 * whose entries must have committed before it is planned ({@code after}). Its {@code stage} is 0 without
 * {@code after}, else one more than the latest stage of the jobs it follows: the engine runs stage after stage.
 */
public record JobEntry(Job job, List<String> models, List<String> datasets, List<Params> grid, List<String> after,
                       int stage, String origin) {

    public JobEntry {
        models = List.copyOf(models);
        datasets = List.copyOf(datasets);
        grid = List.copyOf(grid);
        after = List.copyOf(after);
    }
}
