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
    private final Configuration hadoop;

    /** @param hadoop the sweep's Hadoop configuration ({@link SparkSettings#hadoopConfiguration()}) */
    public SweepPlanner(Configuration hadoop) {
        this.scanner = new CheckpointSeriesScanner(hadoop);
        this.hadoop = hadoop;
    }

    /**
     * The sweep's units of stage 0 (the entries without {@code after}); later entries are kept for
     * {@link #planStage}. Before anything is planned, every model folder must hold a {@code config.json} and every
     * dataset path must exist: all missing ones are reported together ({@link SweepConfigException}, naming the
     * config's file and line), instead of failing unit by unit after Spark started.
     */
    public SweepPlan plan(SweepConfig config) {
        checkInputsExist(config);
        List<JobEntry> first = config.jobs().stream().filter(e -> e.stage() == 0).toList();
        List<JobEntry> later = config.jobs().stream().filter(e -> e.stage() > 0).toList();
        return new SweepPlan(config, planEntries(config, first, new HashSet<>()), later);
    }

    /**
     * The units of {@code plan}'s entries of {@code stage} (those already in the plan left out): called by the engine
     * once the stages before it have committed, whose output their planners may read; {@link SweepPlan#withStage} adds
     * them to the plan. A planner's refusal is a {@link PlanningException}.
     */
    public List<SweepPlan.PlannedJob> planStage(SweepPlan plan, int stage) {
        Set<String> seen = new HashSet<>();
        plan.units().forEach(u -> seen.add(u.id()));
        return planEntries(plan.config(), plan.laterEntries(stage), seen);
    }

    /** The entries' units, in entry order; a unit whose id is in {@code seen} (planned twice) is kept once. */
    private List<SweepPlan.PlannedJob> planEntries(SweepConfig config, List<JobEntry> entries, Set<String> seen) {
        Map<String, List<ModelRef>> catalog = new LinkedHashMap<>();
        config.models().forEach((name, source) -> catalog.put(name, resolve(source)));
        List<SweepPlan.PlannedJob> jobs = new ArrayList<>();
        for (JobEntry entry : entries) {
            List<ModelRef> models = entry.models().stream().flatMap(m -> catalog.get(m).stream()).toList();
            List<DatasetSlice> slices = entry.datasets().stream()
                    .flatMap(d -> slices(config.datasets().get(d)).stream()).toList();
            JobSpec spec = new JobSpec(entry.job(), models, slices, entry.grid(), catalog);
            List<WorkUnit> planned;
            try {
                planned = entry.job().planner().plan(spec);
            } catch (IllegalArgumentException e) {
                throw new PlanningException(entry.origin(), e);
            }
            List<WorkUnit> units = planned.stream().filter(u -> seen.add(u.id())).toList();
            jobs.add(new SweepPlan.PlannedJob(entry.job(), units));
        }
        return jobs;
    }

    private void checkInputsExist(SweepConfig config) {
        List<String> problems = new ArrayList<>();
        for (ModelSource source : config.models().values()) {
            if (source instanceof ModelSource.Single single
                    && !exists(new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(single.uri()), "config.json"), problems)) {
                problems.add(single.origin() + ": sweep.models." + single.name() + ".path: " + single.uri()
                        + (exists(new org.apache.hadoop.fs.Path(single.uri()), problems) ? " holds no config.json (not a model folder)"
                        : ": no such folder"));
            }
        }
        for (DatasetSpec d : config.datasets().values()) {
            if (!exists(new org.apache.hadoop.fs.Path(d.uri()), problems)) {
                problems.add(d.origin() + ": sweep.datasets." + d.name() + ".path: " + d.uri() + ": no such file or folder");
            }
        }
        if (!problems.isEmpty()) {
            throw new SweepConfigException(problems);
        }
    }

    /** Whether {@code path} exists; a file system that cannot be reached is a problem of its own. */
    private boolean exists(org.apache.hadoop.fs.Path path, List<String> problems) {
        try {
            return path.getFileSystem(hadoop).exists(path);
        } catch (java.io.IOException | RuntimeException e) {
            problems.add(path + ": cannot check it: " + e.getMessage());
            return true;
        }
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
