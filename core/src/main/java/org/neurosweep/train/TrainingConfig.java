package org.neurosweep.train;

/**
 * The shape of a training run.
 *
 * @param steps                optimizer steps
 * @param microBatchSize       examples per forward/backward pass
 * @param gradientAccumulation micro-batches whose gradients are summed into one step (each loss is scaled by 1/n)
 * @param maxGradNorm          global-norm clipping threshold; 0 disables clipping
 * @param seed                 fixes the example order (and nothing else varies between runs)
 */
public record TrainingConfig(int steps, int microBatchSize, int gradientAccumulation, double maxGradNorm, long seed) {

    public TrainingConfig {
        if (steps < 1 || microBatchSize < 1 || gradientAccumulation < 1 || maxGradNorm < 0) {
            throw new IllegalArgumentException("training config: need steps, micro-batch size and gradient "
                    + "accumulation ≥ 1 and max grad norm ≥ 0; got steps=" + steps + " microBatchSize="
                    + microBatchSize + " gradientAccumulation=" + gradientAccumulation + " maxGradNorm=" + maxGradNorm);
        }
    }
}
