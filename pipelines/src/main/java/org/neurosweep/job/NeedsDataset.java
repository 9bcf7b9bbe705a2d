package org.neurosweep.job;

import java.util.Set;

/** A job that reads examples: its config entry must name at least one dataset, of one of {@link #formats()}. */
public interface NeedsDataset {

    /** The dataset formats (the {@code format} key of a dataset) that the kernel reads. */
    Set<String> formats();
}
