package org.neurosweep.methods.moe;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One additive part of an FFN/MoE block's output at t* for one sample: the dense FFN, one selected routed expert or
 * the shared expert. Its output is {@code gateWeight · Σ_k neurons[k] · down[k, :]}.
 *
 * @param expert     the expert id for {@link ExpertType#ROUTED}, −1 otherwise
 * @param gateWeight the weight applied in the forward: the routing weight g (renormalised for Mixtral, raw for
 *                   Qwen2-MoE/OLMoE), σ(w_s · x̃) for the shared expert, 1 for a dense FFN
 * @param output     the weighted contribution to f_l, (d) fp32
 * @param neurons    the unweighted neuron activations m = act(G·x̃) ⊙ (U·x̃), (ffn) fp32
 * @param down       the down projection, (ffn, d): row k is neuron k's value vector
 */
public record FfnPart(ExpertType type, int expert, double gateWeight, INDArray output, INDArray neurons, INDArray down) {
}
