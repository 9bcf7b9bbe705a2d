package org.neurosweep.jobs;

import org.neurosweep.model.ModelConfig;

/**
 * Estimates of the working memory of one sequence in a forward pass, for {@code UnitInputs.microBatch}: fp32 bytes
 * of, per layer, the residual stream with its norms, q/k/v and attention output (about 8·d per token), the FFN
 * activations (3·ffn per token; for MoE the routed experts' and the shared expert's are of the same order) and the
 * attention scores and probabilities (2·heads·t per token); plus the logits and their log-softmax (2·V) at the
 * positions whose logits are computed.
 */
public final class ForwardFootprint {

    private ForwardFootprint() {
    }

    /** Bytes for one sequence of {@code tokens} tokens with logits at {@code logitPositions} of them. */
    public static long bytes(ModelConfig c, int tokens, int logitPositions) {
        long perLayerPerToken = 8L * c.hiddenSize() + 3L * c.intermediateSize() + 2L * c.numHeads() * tokens;
        return 4L * ((long) tokens * c.numLayers() * perLayerPerToken + 2L * logitPositions * c.vocabSize());
    }
}
