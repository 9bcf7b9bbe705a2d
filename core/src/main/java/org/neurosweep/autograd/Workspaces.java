package org.neurosweep.autograd;

import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;

/** ND4J workspace configurations shared by the code that reuses scratch memory across iterations. */
public final class Workspaces {

    /**
     * Scratch memory reused every iteration (a backward segment, a training micro-step, an optimizer's temporaries):
     * starts empty, learns its size in the first cycle, reallocates when a later cycle needs more.
     */
    public static final WorkspaceConfiguration SCRATCH = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    /**
     * Scratch memory whose cycles all need about the same (a training step's taped forward and backward segments,
     * an optimizer's temporaries): as {@link #SCRATCH}, but sized to exactly the largest cycle seen instead of 30%
     * more. A training step on a fixed batch shape holds these workspaces at once, so the headroom would be pure
     * resident memory (about 0.9 GB at the 134M shape, docs/BENCHMARKS.md); a longer cycle later still fits, by
     * spilling once and reallocating.
     */
    public static final WorkspaceConfiguration STEADY = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.STRICT)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    private Workspaces() {
    }
}
