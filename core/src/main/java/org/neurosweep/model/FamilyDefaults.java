package org.neurosweep.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The value each family's Hugging Face config class gives a key that {@code config.json} leaves out (transformers 5),
 * for the keys this runtime reads. A key absent from the file and from its family's table falls back to what the
 * reading code states (e.g. {@code num_key_value_heads} = {@code num_attention_heads}) or is required.
 *
 * <p>Options are listed, and the head layout where HF's class states a number ({@code head_dim},
 * {@code num_key_value_heads}), but not the model's sizes (hidden size, layers, heads, vocabulary, FFN widths): a
 * checkpoint always states those, and HF's size defaults describe one particular model. {@code FamilyDefaultsTest}
 * checks entries against the value HF's config class takes when the key is dropped from a golden config.
 */
final class FamilyDefaults {
    private static final Map<String, Map<String, Object>> TABLE = table();

    private FamilyDefaults() {
    }

    /** The defaults of {@code modelType}'s HF config class (empty for an unknown type). */
    static Map<String, Object> of(String modelType) {
        return TABLE.getOrDefault(modelType, Map.of());
    }

    private static Map<String, Map<String, Object>> table() {
        Map<String, Map<String, Object>> t = new HashMap<>();
        // Llama-style decoders
        t.put("llama", Map.of("hidden_act", "silu", "rms_norm_eps", 1e-6, "rope_theta", 10000.0,
                "tie_word_embeddings", false, "attention_bias", false, "mlp_bias", false,
                "max_position_embeddings", 2048, "eos_token_id", 2));
        t.put("mistral", Map.of("hidden_act", "silu", "rms_norm_eps", 1e-6, "rope_theta", 10000.0,
                "tie_word_embeddings", false, "sliding_window", 4096, "max_position_embeddings", 131072,
                "eos_token_id", 2));
        t.put("qwen2", Map.of("hidden_act", "silu", "rms_norm_eps", 1e-6, "rope_theta", 10000.0,
                "tie_word_embeddings", false, "use_sliding_window", false, "sliding_window", 4096,
                "max_window_layers", 28, "max_position_embeddings", 32768));
        t.put("qwen3", Map.of("hidden_act", "silu", "rms_norm_eps", 1e-6, "rope_theta", 10000.0,
                "tie_word_embeddings", false, "attention_bias", false, "use_sliding_window", false,
                "sliding_window", 4096, "max_window_layers", 28, "head_dim", 128, "max_position_embeddings", 32768));
        t.put("olmo2", Map.of("hidden_act", "silu", "rms_norm_eps", 1e-5, "rope_theta", 10000.0,
                "tie_word_embeddings", false, "attention_bias", false, "max_position_embeddings", 2048,
                "pad_token_id", 1, "eos_token_id", 50279));
        // mixtures of experts
        t.put("mixtral", Map.of("hidden_act", "silu", "rms_norm_eps", 1e-5, "rope_theta", 1e6,
                "tie_word_embeddings", false, "num_experts_per_tok", 2, "num_local_experts", 8,
                "max_position_embeddings", 131072, "eos_token_id", 2));
        Map<String, Object> qwen2Moe = new HashMap<>(Map.of("hidden_act", "silu", "rms_norm_eps", 1e-6,
                "rope_theta", 10000.0, "tie_word_embeddings", false, "use_sliding_window", false,
                "sliding_window", 4096, "max_window_layers", 28, "max_position_embeddings", 32768,
                "decoder_sparse_step", 1, "norm_topk_prob", false));
        qwen2Moe.putAll(Map.of("mlp_only_layers", List.of(), "qkv_bias", true));
        t.put("qwen2_moe", Map.copyOf(qwen2Moe));
        Map<String, Object> qwen3Moe = new HashMap<>(Map.of("hidden_act", "silu", "rms_norm_eps", 1e-6,
                "rope_theta", 10000.0, "tie_word_embeddings", false, "attention_bias", false,
                "use_sliding_window", false, "sliding_window", 4096, "max_position_embeddings", 32768,
                "decoder_sparse_step", 1, "norm_topk_prob", false));
        qwen3Moe.putAll(Map.of("mlp_only_layers", List.of(), "num_experts_per_tok", 8));
        t.put("qwen3_moe", Map.copyOf(qwen3Moe));
        t.put("olmoe", Map.of("hidden_act", "silu", "rms_norm_eps", 1e-5, "rope_theta", 10000.0,
                "tie_word_embeddings", false, "attention_bias", false, "norm_topk_prob", false,
                "num_experts_per_tok", 8, "max_position_embeddings", 4096, "pad_token_id", 1, "eos_token_id", 50279));
        // Gemma
        t.put("gemma", Map.of("hidden_act", "gelu_pytorch_tanh", "rms_norm_eps", 1e-6, "rope_theta", 10000.0,
                "tie_word_embeddings", true, "attention_bias", false, "head_dim", 256,
                "max_position_embeddings", 8192, "pad_token_id", 0, "eos_token_id", 1));
        Map<String, Object> gemma2 = new HashMap<>(Map.of("hidden_activation", "gelu_pytorch_tanh",
                "rms_norm_eps", 1e-6, "rope_theta", 10000.0, "tie_word_embeddings", true, "attention_bias", false,
                "head_dim", 256, "max_position_embeddings", 8192, "pad_token_id", 0, "eos_token_id", 1,
                "query_pre_attn_scalar", 256));
        gemma2.putAll(Map.of("sliding_window", 4096, "attn_logit_softcapping", 50.0, "final_logit_softcapping", 30.0));
        t.put("gemma2", Map.copyOf(gemma2));
        // LayerNorm families
        t.put("gpt_neox", Map.of("hidden_act", "gelu", "layer_norm_eps", 1e-5, "rotary_emb_base", 10000.0,
                "rotary_pct", 0.25, "tie_word_embeddings", false, "use_parallel_residual", true,
                "attention_bias", true, "max_position_embeddings", 2048, "eos_token_id", 2));
        t.put("bloom", Map.of("layer_norm_epsilon", 1e-5, "tie_word_embeddings", true,
                "apply_residual_connection_post_layernorm", false, "eos_token_id", 2));
        t.put("bert", Map.of("hidden_act", "gelu", "layer_norm_eps", 1e-12, "tie_word_embeddings", true,
                "type_vocab_size", 2, "max_position_embeddings", 512, "position_embedding_type", "absolute",
                "pad_token_id", 0));
        // num_key_value_heads: where HF's class states a number rather than "as many as the attention heads"
        Map<String, Integer> kvHeads = Map.of("mistral", 8, "qwen2", 32, "qwen3", 32, "mixtral", 8, "qwen2_moe", 16,
                "qwen3_moe", 4, "gemma", 16, "gemma2", 4);
        kvHeads.forEach((family, n) -> {
            Map<String, Object> withKv = new HashMap<>(t.get(family));
            withKv.put("num_key_value_heads", n);
            t.put(family, Map.copyOf(withKv));
        });
        return Map.copyOf(t);
    }
}
