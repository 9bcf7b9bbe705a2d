package org.neurosweep.model;

import java.util.Set;

/**
 * Mixture-of-experts settings of a sparse model.
 *
 * @param numExperts                   routed experts per sparse layer
 * @param topK                         experts selected per token
 * @param expertIntermediateSize       hidden width of one routed expert
 * @param normTopkProb                 renormalise the selected routing probabilities to sum to 1 (Mixtral: always)
 * @param sharedExpertIntermediateSize width of the always-on shared expert (Qwen2-MoE); 0 when there is none
 * @param decoderSparseStep            layer l is sparse when (l + 1) % step == 0 (Qwen2-MoE, Qwen3-MoE); 1 elsewhere
 * @param mlpOnlyLayers                layers that use a dense MLP of {@code intermediate_size} instead (Qwen2-MoE, Qwen3-MoE)
 */
public record MoeConfig(int numExperts, int topK, int expertIntermediateSize, boolean normTopkProb,
                        int sharedExpertIntermediateSize, int decoderSparseStep, Set<Integer> mlpOnlyLayers) {

    public MoeConfig {
        mlpOnlyLayers = Set.copyOf(mlpOnlyLayers);
    }

    /** HF's rule for whether decoder layer {@code layer} holds a sparse MoE block. */
    public boolean isSparse(int layer) {
        return !mlpOnlyLayers.contains(layer) && numExperts > 0 && (layer + 1) % decoderSparseStep == 0;
    }

    public boolean hasSharedExpert() {
        return sharedExpertIntermediateSize > 0;
    }

    /**
     * Reads the family's spelling: Mixtral {@code num_local_experts}, Qwen2-MoE/OLMoE {@code num_experts}, Qwen3-MoE
     * either (transformers 5 saves {@code num_local_experts}).
     */
    static MoeConfig read(ConfigJson json, String modelType) {
        return switch (modelType) {
            case "mixtral" -> new MoeConfig(json.requireInt("num_local_experts"), json.requireInt("num_experts_per_tok"),
                    json.requireInt("intermediate_size"), true, 0, 1, Set.of());
            case "qwen2_moe" -> new MoeConfig(json.requireInt("num_experts"), json.requireInt("num_experts_per_tok"),
                    json.requireInt("moe_intermediate_size"), json.bool("norm_topk_prob", false),
                    json.integer("shared_expert_intermediate_size", 0), json.integer("decoder_sparse_step", 1),
                    Set.copyOf(json.intList("mlp_only_layers")));
            case "qwen3_moe" -> new MoeConfig(json.requireInt(json.firstSet("num_experts", "num_local_experts")),
                    json.requireInt("num_experts_per_tok"), json.requireInt("moe_intermediate_size"),
                    json.bool("norm_topk_prob", false), 0, json.integer("decoder_sparse_step", 1),
                    Set.copyOf(json.intList("mlp_only_layers")));
            case "olmoe" -> new MoeConfig(json.requireInt("num_experts"), json.requireInt("num_experts_per_tok"),
                    json.requireInt("intermediate_size"), json.bool("norm_topk_prob", false), 0, 1, Set.of());
            default -> null;
        };
    }
}
