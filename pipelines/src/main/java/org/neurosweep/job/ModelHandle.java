package org.neurosweep.job;

import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.text.Tokenizer;

/**
 * One model of a unit, on an executor. Nothing is loaded until asked for; weights are loaded once per executor JVM
 * (the model cache) and shared by all units and task threads that use the same folder.
 */
public interface ModelHandle {

    /** The model this handle stands for. */
    ModelRef ref();

    /** The architecture from {@code config.json}; cheap, loads no weights. */
    ModelConfig config();

    /** The weights, loaded on first call. Thread-safe and shared: never modify them. */
    CausalLM model();

    /** The tokenizer of the model folder; loaded and cached with the weights. */
    Tokenizer tokenizer();
}
