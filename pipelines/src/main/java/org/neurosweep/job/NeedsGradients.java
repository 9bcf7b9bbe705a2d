package org.neurosweep.job;

/**
 * A job whose kernel differentiates (attribution, training): activations are kept for the backward pass, so the
 * engine divides the micro-batch memory budget by {@link #activationMemoryFactor()}.
 */
public interface NeedsGradients {

    /** Memory of one example with the tape on, relative to a forward pass without it. */
    default double activationMemoryFactor() {
        return 3.0;
    }
}
