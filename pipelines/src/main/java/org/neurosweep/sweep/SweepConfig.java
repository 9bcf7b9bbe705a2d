package org.neurosweep.sweep;

import java.util.List;
import java.util.Map;

/** A parsed, validated sweep config: immutable, no {@code Config} lookups past this point. */
public record SweepConfig(String name, EngineSettings engine, Map<String, ModelSource> models,
                          Map<String, DatasetSpec> datasets, List<JobEntry> jobs) {

    public SweepConfig {
        models = Map.copyOf(models);
        datasets = Map.copyOf(datasets);
        jobs = List.copyOf(jobs);
    }
}
