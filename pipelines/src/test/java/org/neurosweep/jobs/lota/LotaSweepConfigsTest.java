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

    private static final List<org.neurosweep.job.Job> JOBS = List.of(new LotaQafJob(), new QuantizeJob(), new LotaEvalJob());

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

    @Test
    void lotaEvalSweepPlansVariantsTimesShardsOverACommittedRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        // the example reads out/artifacts/run=lota-qaf; here a folder shaped like one committed lota-qaf unit's
        java.nio.file.Path artifacts = dir.resolve("artifacts/run=lota-qaf");
        java.nio.file.Files.createDirectories(artifacts.resolve("0123456789abcdef/merged"));
        String text = java.nio.file.Files.readString(RepoPaths.root().resolve("conf/sweeps/lota-eval.conf"));
        assertEquals(true, text.contains("\"out/artifacts/run=lota-qaf\""), "the example names the lota-qaf run's artifacts");
        java.nio.file.Path conf = java.nio.file.Files.writeString(dir.resolve("lota-eval.conf"),
                text.replace("\"out/artifacts/run=lota-qaf\"", "\"" + artifacts + "\""));
        SweepPlan plan = TestSweeps.plan(JOBS, conf, "sweep.models.base.path=" + RepoPaths.world("dense"),
                "sweep.datasets.instruct.path=" + RepoPaths.dataset("world/instruct.jsonl"));
        assertEquals(4 * 4, plan.unitCount());
        assertEquals(Set.copyOf(LotaEvaluation.VARIANTS), plan.units().stream()
                .map(u -> u.params().getString(LotaEvalJob.VARIANT)).collect(Collectors.toSet()));
    }
}
