package org.neurosweep.jobs.icot;

import org.junit.jupiter.api.Test;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.testjobs.TestSweeps;
import org.neurosweep.testutil.RepoPaths;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example sweeps of conf/sweeps plan the paper's grids (paths pointed at the bundled data). */
class IcotSweepConfigsTest {

    private static final List<org.neurosweep.job.Job> JOBS = List.of(new CompositeEvalJob(), new ContextMaskJob(),
            new LogitLensJob(), new CrossTaskPatchJob(), new TraceDecodeJob());

    @Test
    void internalCotSweepPlansFifteenTasksTimesFiveSeedsPerJob() {
        SweepPlan plan = TestSweeps.plan(JOBS, RepoPaths.root().resolve("conf/sweeps/internal-cot.conf"),
                "sweep.models.base.path=" + RepoPaths.world("dense"),
                "sweep.datasets.composite.path=" + RepoPaths.dataset("internal-cot"),
                "sweep.datasets.facts.path=" + RepoPaths.dataset("world/mlama"));
        assertEquals(5, plan.jobs().size());
        for (SweepPlan.PlannedJob job : plan.jobs()) {
            if (job.units().get(0).dataset().name().equals("facts")) {
                assertEquals(1, job.units().size(), "the lens over the factual probes: one unsharded unit");
                continue;
            }
            assertEquals(15 * 5, job.units().size(), job.job().name());
            Set<Integer> seeds = job.units().stream().map(u -> u.params().getInt(IcotParams.SEED)).collect(Collectors.toSet());
            assertEquals(Set.of(0, 1, 2, 3, 4), seeds);
            assertEquals(500, job.units().get(0).params().getInt(IcotParams.PROMPTS), "the paper's data_num");
        }
        assertEquals(plan.unitCount(), plan.units().stream().map(WorkUnit::id).distinct().count(), "distinct unit ids");
    }

    @Test
    void traceSweepPlansFourShardsPerMaskRange() {
        SweepPlan plan = TestSweeps.plan(JOBS, RepoPaths.root().resolve("conf/sweeps/trace.conf"),
                "sweep.models.instruct.path=" + RepoPaths.world("dense_instruct"),
                "sweep.datasets.trace.path=" + RepoPaths.dataset("internal-cot/2024_trace_evaluation.jsonl"));
        List<WorkUnit> units = plan.units();
        assertEquals(8, units.size());
        assertEquals(Set.of("constraints", "all"),
                units.stream().map(u -> u.params().getString(TraceDecodeJob.MASK_RANGE)).collect(Collectors.toSet()));
        assertEquals(32, units.get(0).params().getInt(TraceDecodeJob.MAX_NEW_TOKENS), "the example's small budget");
    }
}
