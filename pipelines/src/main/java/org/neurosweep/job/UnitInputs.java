package org.neurosweep.job;

import java.nio.file.Path;

/** What a kernel reads for one unit: its models, its dataset as a local path, and the executor's budgets. */
public interface UnitInputs {

    /** The unit's primary model. */
    ModelHandle model();

    /** The unit's model in {@code role} (e.g. {@code teacher}, {@code tuned}). */
    ModelHandle model(String role);

    /**
     * The unit's dataset file or folder ({@link DatasetSlice#uri()}) as a local path: the file itself on a local
     * file system, else a copy made once per executor JVM. The kernel applies the slice's shard and limit.
     */
    Path dataset();

    /**
     * Opens a file by URI (any Hadoop file system) through the sweep's Hadoop configuration: for state a driver wrote,
     * such as a rounds job's global weights stored among an aggregation's artifacts.
     */
    java.io.InputStream open(String uri) throws java.io.IOException;

    /**
     * How many examples to process at once: the executor's micro-batch memory budget divided by
     * {@code bytesPerExample} (the kernel's estimate of one example's working memory), at least 1 and at most the
     * configured maximum. The value is recorded in the manifest.
     */
    int microBatch(long bytesPerExample);

    /** The device the unit runs on: {@code cpu} or {@code gpu:<address>}. */
    String device();
}
