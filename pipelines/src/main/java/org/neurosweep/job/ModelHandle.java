package org.neurosweep.job;

import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.text.Tokenizer;

/**
 * A unit's access to its model on an executor. Nothing is loaded until asked for; weights are loaded once per
 * executor JVM (the model cache) and shared by the units and task threads that use the same folder.
 */
public interface ModelHandle {

    /** The model this handle stands for. */
    ModelRef ref();

    /** The architecture from {@code config.json}; cheap, loads no weights. */
    ModelConfig config();

    /** The weights, loaded on first call (once per executor JVM, then shared by every unit that needs them). */
    CausalLM model();

    /** The tokenizer of the model folder; loaded with the weights and cached with them. */
    Tokenizer tokenizer();

    /** The handle of another model of the unit (e.g. {@code teacher}, {@code tuned}). */
    ModelHandle role(String role);

    /**
     * How many examples to process at once: the executor's micro-batch memory budget divided by
     * {@code bytesPerExample} (the kernel's estimate of one example's working memory), at least 1 and at most the
     * configured maximum. The chosen value is recorded in the manifest.
     */
    int microBatch(long bytesPerExample);

    /** The device the unit runs on: {@code cpu} or {@code gpu:<address>}. */
    String device();
}
