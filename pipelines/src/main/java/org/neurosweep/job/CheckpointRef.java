package org.neurosweep.job;

import java.io.Serializable;

/**
 * One checkpoint of a series: its label (the folder name, e.g. {@code dense-step00250}, or a revision) and its
 * training step, read from the name or from {@code config.json}'s {@code training_step}; null when neither gives one.
 */
public record CheckpointRef(String label, Long step) implements Serializable {

    public CheckpointRef {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("a checkpoint needs a label");
        }
    }

    String canonical() {
        return label + "@" + (step == null ? "-" : step.toString());
    }
}
