package org.neurosweep.job;

import java.io.Serializable;

/**
 * A reference to model weights, never the weights: {@code id} is the model's name in the sweep (the
 * {@code model_id} column), {@code uri} the folder holding {@code config.json} and the weights on any Hadoop file
 * system ({@code file:/...}, {@code hdfs://...}, {@code s3a://...}), {@code checkpoint} the series member or null.
 */
public record ModelRef(String id, String uri, CheckpointRef checkpoint) implements Serializable {

    public ModelRef {
        if (id == null || id.isBlank() || uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("a model needs an id and a uri");
        }
    }

    /** The key an executor caches the loaded model under: one load per distinct folder. */
    public String cacheKey() {
        return uri;
    }

    /** The checkpoint label for tables, or null. */
    public String checkpointLabel() {
        return checkpoint == null ? null : checkpoint.label();
    }

    /** The training step for tables, or null. */
    public Long step() {
        return checkpoint == null ? null : checkpoint.step();
    }

    String canonical() {
        return id + "|" + uri + "|" + (checkpoint == null ? "-" : checkpoint.canonical());
    }

    @Override
    public String toString() {
        return checkpoint == null ? id : id + "@" + checkpoint.label();
    }
}
