package org.neurosweep.model.family;

import org.neurosweep.model.Architecture;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.Weights;

/**
 * Llama, Mistral and Qwen2: RMSNorm, GQA with RoPE, SwiGLU MLP. The differences are config options: Qwen2's
 * q/k/v biases, Mistral's sliding window, Llama's {@code attention_bias}/{@code mlp_bias}, tied embeddings.
 */
public final class Llama implements Architecture {

    @Override
    public CausalLM bind(ModelConfig c, Weights w) {
        return Decoders.llamaStyle(c, w, Decoders.QkNorm.NONE,
                l -> Decoders.gatedMlp(c, w, "model.layers." + l + ".mlp.", c.intermediateSize()));
    }
}
