package org.neurosweep.job;

/**
 * A job whose results are meaningful per checkpoint of a training run (evaluation, probing across pretraining).
 * Only such jobs may name a checkpoint series under {@code models}; for others that is a config error.
 */
public interface SupportsCheckpointSeries {
}
