package org.neurosweep.jobs.icot;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.ParamSpec;

/**
 * A job over the composite-task datasets ({@link CompositeInputs#FORMATS}) whose prompts are sampled with the shared
 * {@link IcotParams}, so that equal parameter values rebuild the same prompts in every such job.
 */
abstract class CompositePromptJob implements MapJob, NeedsDataset {

    /** The default of the {@code prompts} parameter. */
    static final int DEFAULT_PROMPTS = 500;

    /** The shared prompt parameters, then {@link #ownParams()}. */
    @Override
    public final List<ParamSpec> params() {
        List<ParamSpec> specs = new ArrayList<>(IcotParams.specs(DEFAULT_PROMPTS));
        specs.addAll(ownParams());
        return specs;
    }

    /** The job's parameters besides the prompt parameters; none unless overridden. */
    List<ParamSpec> ownParams() {
        return List.of();
    }

    /** The composite formats; a job that reads more formats adds them. */
    @Override
    public Set<String> formats() {
        return CompositeInputs.FORMATS;
    }
}
