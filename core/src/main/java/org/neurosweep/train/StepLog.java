package org.neurosweep.train;

/**
 * One optimizer step: the mean micro-batch loss, the learning rate used, the global gradient norm
 * before clipping, and the wall time of the step.
 */
public record StepLog(long step, double loss, double learningRate, double gradNorm, long millis) {
}
