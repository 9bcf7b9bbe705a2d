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

    private Workspaces() {
    }
}
