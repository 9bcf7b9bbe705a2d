package org.neurosweep.jobs.distill;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neurosweep.job.DatasetSlice;
import org.neurosweep.job.Job;
import org.neurosweep.job.JobSpec;
import org.neurosweep.job.ModelRef;
import org.neurosweep.job.Params;
import org.neurosweep.job.Planner;
import org.neurosweep.job.WorkUnit;

/**
 * Plans one distillation run per student (the entry's {@code models}) x dataset slice x parameter point, with the
 * teacher named by the {@code teacher} parameter looked up among the sweep's models. Roles: {@link #STUDENT}
 * (primary: the {@code model_id} column) and {@link #TEACHER}. Every point is checked by {@code validate} first, so
 * a bad value is a config error before anything runs.
 */
record TeacherStudentPlanner(Job job, java.util.function.Consumer<Params> validate) implements Planner {

    static final String STUDENT = "student";
    static final String TEACHER = "teacher";

    @Override
    public List<WorkUnit> plan(JobSpec spec) {
        List<WorkUnit> units = new ArrayList<>();
        for (Params point : spec.grid()) {
            validate.accept(point);
            ModelRef teacher = teacher(spec, point.getString(DistillParams.TEACHER));
            for (ModelRef student : spec.models()) {
                for (DatasetSlice slice : spec.slices()) {
                    Map<String, ModelRef> roles = new LinkedHashMap<>();
                    roles.put(STUDENT, student);
                    roles.put(TEACHER, teacher);
                    units.add(WorkUnit.of(job, roles, slice, point, -1));
                }
            }
        }
        return units;
    }

    private ModelRef teacher(JobSpec spec, String name) {
        List<ModelRef> refs = spec.catalog().get(name);
        if (refs == null) {
            throw new IllegalArgumentException(job.name() + ": params.teacher = '" + name
                    + "' is not a model of sweep.models (have " + spec.catalog().keySet() + ")");
        }
        if (refs.size() != 1) {
            throw new IllegalArgumentException(job.name() + ": params.teacher = '" + name
                    + "' is a checkpoint series of " + refs.size() + " models; name a single model");
        }
        return refs.get(0);
    }
}
