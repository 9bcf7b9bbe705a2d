package org.neurosweep.job;

import java.util.List;
import java.util.Map;

/**
 * One job entry of a sweep, resolved: what a {@link Planner} sees.
 *
 * @param models  the models the entry names, checkpoint series expanded in step order
 * @param slices  the dataset slices (every shard of every dataset the entry names)
 * @param grid    the parameter points (the cartesian product of the entry's grid axes; one point when no axis)
 * @param catalog every model and series of the sweep by name, for planners that pair models (base vs tuned)
 */
public record JobSpec(Job job, List<ModelRef> models, List<DatasetSlice> slices, List<Params> grid,
                      Map<String, List<ModelRef>> catalog) {

    public JobSpec {
        models = List.copyOf(models);
        slices = List.copyOf(slices);
        grid = List.copyOf(grid);
        catalog = Map.copyOf(catalog);
    }
}
