package org.neurosweep.sweep;

import java.util.List;

/** A model entry of the sweep: one folder, or a series of checkpoints of one training run. */
public sealed interface ModelSource {

    /** The name in the sweep: the {@code model_id} column. */
    String name();

    /** Where the entry was defined, "file:line", for errors found later (scanning, loading). */
    String origin();

    /** {@code sweep.models.NAME}: one model folder. */
    record Single(String name, String uri, String origin) implements ModelSource {
    }

    /**
     * {@code sweep.checkpoints.NAME}: the checkpoint folders under {@code dir} whose names carry a step
     * ({@code ...-stepNNNNN}, {@code step_N}, {@code ckpt_NNN}, {@code checkpoint-N}), optionally only those starting
     * with {@code prefix}; or the explicit {@code paths}.
     */
    record Series(String name, String dir, String prefix, List<String> paths, StepSource stepFrom, String origin)
            implements ModelSource {

        public Series {
            paths = List.copyOf(paths);
        }
    }

    /** Where a checkpoint's step comes from. */
    enum StepSource {
        /** The number in the folder name, else {@code training_step} of its {@code config.json}. */
        AUTO,
        /** Only the folder name. */
        NAME,
        /** Only {@code config.json}'s {@code training_step} (e.g. Amber's {@code ckpt_NNN} are indices, not steps). */
        CONFIG
    }
}
