package org.neurosweep.sweep;

import org.apache.hadoop.conf.Configuration;
import org.neurosweep.data.Shard;
import org.neurosweep.job.DatasetSlice;
import org.neurosweep.job.JobSpec;
import org.neurosweep.job.ModelRef;
import org.neurosweep.job.WorkUnit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Expands a {@link SweepConfig} into work units on the driver: checkpoint series are listed, datasets split into
 * shards, and each job entry handed to its job's {@link org.neurosweep.job.Planner}. A unit planned twice (the same
 * model named twice, say) is kept once.
 */
public final class SweepPlanner {

    private final CheckpointSeriesScanner scanner;

    public SweepPlanner(Configuration hadoop) {
        this.scanner = new CheckpointSeriesScanner(hadoop);
    }

    public SweepPlan plan(SweepConfig config) {
        Map<String, List<ModelRef>> catalog = new LinkedHashMap<>();
        config.models().forEach((name, source) -> catalog.put(name, resolve(source)));
        Set<String> seen = new HashSet<>();
        List<SweepPlan.PlannedJob> jobs = new ArrayList<>();
        for (JobEntry entry : config.jobs()) {
            List<ModelRef> models = entry.models().stream().flatMap(m -> catalog.get(m).stream()).toList();
            List<DatasetSlice> slices = entry.datasets().stream()
                    .flatMap(d -> slices(config.datasets().get(d)).stream()).toList();
            JobSpec spec = new JobSpec(entry.job(), models, slices, entry.grid(), catalog);
            List<WorkUnit> units = entry.job().planner().plan(spec).stream().filter(u -> seen.add(u.id())).toList();
            jobs.add(new SweepPlan.PlannedJob(entry.job(), units));
        }
        return new SweepPlan(config, jobs);
    }

    private List<ModelRef> resolve(ModelSource source) {
        if (source instanceof ModelSource.Series series) {
            return scanner.resolve(series);
        }
        ModelSource.Single single = (ModelSource.Single) source;
        return List.of(new ModelRef(single.name(), single.uri(), null));
    }

    private static List<DatasetSlice> slices(DatasetSpec d) {
        List<DatasetSlice> out = new ArrayList<>();
        for (int i = 0; i < d.shards(); i++) {
            out.add(new DatasetSlice(d.name(), d.format(), d.uri(), new Shard(i, d.shards(), d.shardMode()),
                    d.maxRecords(), d.options()));
        }
        return out;
    }
}
