package org.neurosweep.jobs.lota;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.testjobs.TestSweeps;
import org.neurosweep.testutil.RepoPaths;

/** The example sweeps of conf/sweeps for lota-qaf and quantize plan their grids (paths pointed at the bundled data). */
class LotaSweepConfigsTest {

    private static final List<org.neurosweep.job.Job> JOBS = List.of(new LotaQafJob(), new QuantizeJob());

    @Test
    void quantizeSweepPlansMethodsTimesBitsTimesActOrder() {
        SweepPlan plan = TestSweeps.plan(JOBS, RepoPaths.root().resolve("conf/sweeps/quantize.conf"),
                "sweep.models.base.path=" + RepoPaths.world("dense"),
                "sweep.datasets.instruct.path=" + RepoPaths.dataset("world/instruct.jsonl"));
        assertEquals(2 * 3 * 2, plan.unitCount());
        assertEquals(Set.of("rtn", "gptq"), plan.units().stream().map(u -> u.params().getString(QuantizeJob.METHOD))
                .collect(Collectors.toSet()));
    }

    @Test
    void lotaSweepPlansBitsTimesRanksTimesQuantizers() {
        SweepPlan plan = TestSweeps.plan(JOBS, RepoPaths.root().resolve("conf/sweeps/lota-qaf.conf"),
                "sweep.models.base.path=" + RepoPaths.world("dense"),
                "sweep.datasets.instruct.path=" + RepoPaths.dataset("world/instruct.jsonl"));
        assertEquals(3 * 2 * 2, plan.unitCount());
        plan.units().forEach(u -> LotaSettings.of(u.params()));
    }
}
