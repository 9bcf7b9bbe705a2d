package org.neurosweep.jobs.fed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neurosweep.job.DatasetSlice;
import org.neurosweep.job.JobSpec;
import org.neurosweep.job.Params;
import org.neurosweep.job.Planner;
import org.neurosweep.job.WorkUnit;

/**
 * The clients of a {@code fewfedweight} entry: per parameter point (an experiment), one client per dataset slice and
 * task value of {@code clients} (the task value goes into the slice's options, so it is part of the unit id), or one
 * per slice when {@code clients} is empty. An entry names exactly one model: the experiments of the engine's rounds
 * shape are parameter points, so a second model would join the first one's rounds.
 */
record ClientPlanner(FewFedWeightJob job) implements Planner {

    @Override
    public List<WorkUnit> plan(JobSpec spec) {
        if (spec.models().size() != 1) {
            throw new IllegalArgumentException("job " + job.name() + ": name exactly one model per entry (got "
                    + spec.models().size() + "); add an entry per model");
        }
        List<WorkUnit> units = new ArrayList<>();
        for (Params point : spec.grid()) {
            validate(point);
            List<String> tasks = point.getStringList(FewFedWeightJob.CLIENTS);
            for (DatasetSlice slice : spec.slices()) {
                if (tasks.isEmpty()) {
                    units.add(WorkUnit.of(job, spec.models().get(0), slice, point));
                }
                for (String task : tasks) {
                    Map<String, String> options = new HashMap<>(slice.options());
                    options.put(FewFedWeightJob.CLIENT_OPTION, task);
                    DatasetSlice client = new DatasetSlice(slice.name(), slice.format(), slice.uri(), slice.shard(),
                            slice.maxRecords(), options);
                    units.add(WorkUnit.of(job, spec.models().get(0), client, point));
                }
            }
        }
        return units;
    }

    private void validate(Params p) {
        require(p.getInt(FewFedWeightJob.ROUNDS) >= 1, FewFedWeightJob.ROUNDS, "must be ≥ 1");
        require(p.getInt(FewFedWeightJob.SHOTS) >= 1, FewFedWeightJob.SHOTS, "must be ≥ 1");
        require(p.getInt(FewFedWeightJob.DEV_SHOTS) >= 1, FewFedWeightJob.DEV_SHOTS, "must be ≥ 1 (the scores behind π)");
        require(p.getInt(FewFedWeightJob.PSEUDO_INPUTS) >= 0, FewFedWeightJob.PSEUDO_INPUTS, "must be ≥ 0");
        require(p.getInt(FewFedWeightJob.TEST_ITEMS) >= 0, FewFedWeightJob.TEST_ITEMS, "must be ≥ 0");
        require(p.getInt(FewFedWeightJob.PSEUDO_TOKENS) >= 1, FewFedWeightJob.PSEUDO_TOKENS, "must be ≥ 1");
        require(p.getDouble(FewFedWeightJob.PSEUDO_TEMPERATURE) >= 0, FewFedWeightJob.PSEUDO_TEMPERATURE, "must be ≥ 0");
        require(p.getDouble(FewFedWeightJob.ENERGY_TEMPERATURE) > 0, FewFedWeightJob.ENERGY_TEMPERATURE, "must be > 0");
        require(p.getDouble(FewFedWeightJob.W_MAX) > 0, FewFedWeightJob.W_MAX, "must be > 0");
        require(p.getDouble(FewFedWeightJob.MU) >= 0, FewFedWeightJob.MU, "must be ≥ 0");
        require(p.getDouble(FewFedWeightJob.T_A) > 0, FewFedWeightJob.T_A, "must be > 0");
        double nu = p.getDouble(FewFedWeightJob.NU);
        require(nu >= 0 && nu <= 1, FewFedWeightJob.NU, "must be in [0, 1]");
        require(p.getDouble(FewFedWeightJob.LOCAL_EPOCHS) > 0, FewFedWeightJob.LOCAL_EPOCHS, "must be > 0");
        require(p.getInt(FewFedWeightJob.MICRO_BATCH) >= 1, FewFedWeightJob.MICRO_BATCH, "must be ≥ 1");
        require(p.getDouble(FewFedWeightJob.LEARNING_RATE) > 0, FewFedWeightJob.LEARNING_RATE, "must be > 0");
        require(p.getInt(FewFedWeightJob.AUDIT_SAMPLES) >= 0, FewFedWeightJob.AUDIT_SAMPLES, "must be ≥ 0");
        require(p.getInt(FewFedWeightJob.INLINE_STATE_MB) >= 0, FewFedWeightJob.INLINE_STATE_MB, "must be ≥ 0");
    }

    private void require(boolean ok, String param, String what) {
        if (!ok) {
            throw new IllegalArgumentException("job " + job.name() + ": parameter " + param + " " + what);
        }
    }
}
