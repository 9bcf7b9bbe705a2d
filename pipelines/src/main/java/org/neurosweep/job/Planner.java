package org.neurosweep.job;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Expands a job's entry of the sweep config into work units, on the driver, without touching weights or data.
 * The default {@link #grid()} planner makes one unit per model (or checkpoint) x dataset slice x parameter point.
 */
@FunctionalInterface
public interface Planner {

    List<WorkUnit> plan(JobSpec spec);

    /** models x dataset slices x parameter grid; a job without datasets gets models x grid. */
    static Planner grid() {
        return spec -> {
            List<WorkUnit> units = new ArrayList<>();
            List<ModelRef> models = spec.models().isEmpty() ? Collections.singletonList(null) : spec.models();
            List<DatasetSlice> slices = spec.slices().isEmpty() ? Collections.singletonList(null) : spec.slices();
            for (ModelRef model : models) {
                for (DatasetSlice slice : slices) {
                    for (Params point : spec.grid()) {
                        units.add(WorkUnit.of(spec.job(), model, slice, point));
                    }
                }
            }
            return units;
        };
    }
}
