package org.neurosweep.sweep;

import org.neurosweep.job.Job;
import org.neurosweep.job.Params;

import java.util.List;

/** One element of {@code sweep.jobs}: the job, the models and datasets it runs over, its parameter grid. */
public record JobEntry(Job job, List<String> models, List<String> datasets, List<Params> grid, String origin) {

    public JobEntry {
        models = List.copyOf(models);
        datasets = List.copyOf(datasets);
        grid = List.copyOf(grid);
    }
}
