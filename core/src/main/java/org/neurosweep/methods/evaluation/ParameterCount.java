package org.neurosweep.methods.evaluation;

import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.MoeConfig;

/**
 * The parameter count N of a checkpoint, from its config, for training compute C = 6·N·D
 * (docs/methods/capability-dynamics.md §1). N follows Kaplan et al.: <b>non-embedding</b> parameters — attention, FFN
 * or experts, router, norms and biases of every block and the final norm; the token embeddings and the output head are
 * left out. For a sparse model {@link #activeNonEmbedding} counts the experts a token passes through (top-k routed
 * experts and the shared expert), which is what the compute of a token is proportional to; {@link #nonEmbedding} counts
 * every expert (what the weights file holds).
 */
public final class ParameterCount {

    private ParameterCount() {
    }

    /** Non-embedding parameters a token is computed with: routed experts counted top-k times, not numExperts times. */
    public static long activeNonEmbedding(ModelConfig c) {
        return count(c, true);
    }

    /** Every non-embedding parameter of the checkpoint. */
    public static long nonEmbedding(ModelConfig c) {
        return count(c, false);
    }

    private static long count(ModelConfig c, boolean active) {
        long d = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        boolean neox = "gpt_neox".equals(c.modelType());
        long norm = neox ? 2 * d : d;                                  // LayerNorm: weight and bias; RMSNorm: weight
        long attention = d * q + 2 * d * kv + q * d + (c.qkvBias() ? q + 2 * kv : 0) + (c.outputBias() ? d : 0);
        if ("olmoe".equals(c.modelType())) {
            attention += q + kv;                                       // q_norm and k_norm over the projections
        }
        int mats = neox ? 2 : 3;                                       // GELU MLP: in and out; gated: gate, up, down
        long dense = mats * d * c.intermediateSize() + (c.mlpBias() ? (mats - 1L) * c.intermediateSize() + d : 0);
        long total = norm;                                             // the final norm
        for (int layer = 0; layer < c.numLayers(); layer++) {
            MoeConfig moe = c.moe();
            long ffn = dense;
            if (moe != null && moe.isSparse(layer)) {
                long experts = active ? moe.topK() : moe.numExperts();
                ffn = d * moe.numExperts() + experts * 3 * d * moe.expertIntermediateSize();
                if (moe.hasSharedExpert()) {
                    ffn += 3 * d * moe.sharedExpertIntermediateSize() + d;  // the shared expert and its sigmoid gate
                }
            }
            total += 2 * norm + attention + ffn;
        }
        return total;
    }
}
