package org.neurosweep.jobs.neurons;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neurosweep.job.Job;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.testjobs.TestSweeps;
import org.neurosweep.testutil.RepoPaths;

/** The example sweeps of the neuron jobs plan as their comments say (paths pointed at the bundled data). */
class NeuronSweepConfigsTest {

    private static final List<Job> JOBS = List.of(new NeuronAttributionJob(), new PrivacyNeuronsJob());

    @Test
    void knowledgeNeuronSweepPlansOneUnitPerModel() {
        SweepPlan plan = TestSweeps.plan(JOBS, RepoPaths.root().resolve("conf/sweeps/knowledge-neurons.conf"),
                "sweep.models.dense.path=" + RepoPaths.world("dense"), "sweep.models.moe.path=" + RepoPaths.world("moe_deep"),
                "sweep.datasets.paraphrases.path=" + RepoPaths.dataset("world/mlama-paraphrase"),
                "sweep.datasets.paraphrases_corpus.path=" + RepoPaths.dataset("world"));
        List<WorkUnit> units = plan.units();
        assertEquals(3, units.size(), "two models, and the dense model under LRP2");
        assertEquals(List.of(List.of(), List.of(), List.of("fr:2-5")), units.stream()
                .map(u -> u.params().getStringList(NeuronAttributionJob.LRP2)).sorted(java.util.Comparator.comparing(List::size)).toList());
        assertEquals(20, units.get(0).params().getInt(NeuronAttributionJob.STEPS));
        assertEquals(List.of("en", "fr"), units.get(0).params().getStringList(NeuronAttributionJob.LANGUAGES));
    }

    @Test
    void privacySweepEnumeratesTheFullSpaceAndFourEditSizes() {
        SweepPlan plan = TestSweeps.plan(JOBS, RepoPaths.root().resolve("conf/sweeps/privacy-neurons.conf"),
                "sweep.models.base.path=" + RepoPaths.world("dense"),
                "sweep.datasets.canaries.path=" + RepoPaths.dataset("world/canaries.jsonl"));
        List<WorkUnit> units = plan.units();
        assertEquals(1, units.size(), "the twelve canaries are one batch");
        assertEquals(List.of(10, 20, 50, 100), units.get(0).params().getIntList(PrivacyNeuronsJob.Z));
        assertEquals(0, units.get(0).params().getInt(PrivacyNeuronsJob.KNOWN_DIGITS));
    }
}
