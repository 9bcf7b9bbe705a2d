package org.neurosweep.job;

import java.nio.file.Path;

/**
 * Files a unit produces besides rows (checkpoints, activation dumps as safetensors, client updates). The kernel
 * writes them locally; they are published with the unit's rows, under
 * {@code <out>/artifacts/run=<run_id>/<unit_id>/}, and rows refer to them by {@link #uri}.
 */
public interface ArtifactDir {

    /** A local file to write at {@code relative} (a path below this unit's folder; parent folders exist). */
    Path local(String relative);

    /** Where {@code relative} will be once the unit is committed. */
    String uri(String relative);
}
