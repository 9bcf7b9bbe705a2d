package org.neurosweep.model;

/** One model family: how its hub tensors assemble into the shared building blocks. */
public interface Architecture {

    /** The model over {@code weights}, laid out by hub tensor names for {@code config}. */
    CausalLM bind(ModelConfig config, Weights weights);
}
