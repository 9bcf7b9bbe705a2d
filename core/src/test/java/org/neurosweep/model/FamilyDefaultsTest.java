package org.neurosweep.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.neurosweep.testutil.RepoPaths;

/**
 * A key dropped from a golden config takes the default of that family's Hugging Face config class (transformers 5:
 * the class attributes and {@code __post_init__} of configuration_&lt;family&gt;.py), not one global default.
 */
class FamilyDefaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The golden config of {@code family} without {@code key}, parsed. */
    private static ModelConfig without(String family, String key) throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(RepoPaths.golden(family).resolve("config.json").toFile());
        assertTrue(config.has(key), family + " golden config lacks " + key);
        config.remove(key);
        return ModelConfig.parse(new ByteArrayInputStream(JSON.writeValueAsBytes(config)), family + " without " + key);
    }

    private record Row(String family, String key, String setting, Function<ModelConfig, Object> read, Object hf) {
        @Override
        public String toString() {
            return family + " without " + key + ": " + setting + " = " + hf;
        }
    }

    private static Row row(String family, String key, String setting, Function<ModelConfig, Object> read, Object hf) {
        return new Row(family, key, setting, read, hf);
    }

    static Stream<Row> hfDefaults() {
        Function<ModelConfig, Object> theta = c -> c.rope().theta();
        Function<ModelConfig, Object> eps = ModelConfig::normEps;
        Function<ModelConfig, Object> tied = ModelConfig::tieWordEmbeddings;
        Function<ModelConfig, Object> act = ModelConfig::activation;
        Function<ModelConfig, Object> maxPos = ModelConfig::maxPositions;
        Function<ModelConfig, Object> kv = ModelConfig::numKvHeads;
        return Stream.of(
                row("llama", "num_key_value_heads", "kv heads", kv, 4),
                row("llama", "rms_norm_eps", "eps", eps, 1e-6),
                row("llama", "max_position_embeddings", "max positions", maxPos, 2048),
                row("llama", "tie_word_embeddings", "tied", tied, false),
                row("llama", "mlp_bias", "mlp bias", ModelConfig::mlpBias, false),
                row("mistral", "sliding_window", "window of layer 0", c -> c.window(0), 4096),
                row("mistral", "max_position_embeddings", "max positions", maxPos, 131072),
                row("mixtral", "rope_parameters", "rope theta", theta, 1e6),
                row("mixtral", "rms_norm_eps", "eps", eps, 1e-5),
                row("qwen2", "use_sliding_window", "window of layer 2", c -> c.window(2), 0),
                row("qwen2", "max_position_embeddings", "max positions", maxPos, 32768),
                row("qwen2_moe", "qkv_bias", "qkv bias", ModelConfig::qkvBias, true),
                row("qwen2_moe", "norm_topk_prob", "renormalised top-k", c -> c.moe().normTopkProb(), false),
                row("qwen2_moe", "decoder_sparse_step", "sparse step", c -> c.moe().decoderSparseStep(), 1),
                row("olmoe", "rms_norm_eps", "eps", eps, 1e-5),
                row("olmoe", "max_position_embeddings", "max positions", maxPos, 4096),
                row("gpt_neox", "rope_parameters", "rotary fraction", c -> c.rope().partialRotaryFactor(), 0.25),
                row("gpt_neox", "rope_parameters", "rope theta", theta, 10000.0),
                row("gpt_neox", "use_parallel_residual", "parallel residual", ModelConfig::parallelResidual, true),
                row("gpt_neox", "attention_bias", "qkv bias", ModelConfig::qkvBias, true),
                row("gpt_neox", "hidden_act", "activation", act, Activation.GELU),
                row("gemma", "head_dim", "head dim", ModelConfig::headDim, 256),
                row("gemma", "tie_word_embeddings", "tied", tied, true),
                row("gemma", "pad_token_id", "pad id", ModelConfig::padTokenId, 0),
                row("gemma2", "query_pre_attn_scalar", "score scale", ModelConfig::attentionScale, 1 / 16.0),
                row("gemma2", "attn_logit_softcapping", "attention soft-cap", ModelConfig::attnSoftcap, 50.0),
                row("gemma2", "final_logit_softcapping", "final soft-cap", ModelConfig::finalSoftcap, 30.0),
                row("gemma2", "sliding_window", "window of layer 0", c -> c.window(0), 4096),
                row("gemma2", "layer_types", "windows of layers 0..3", c -> List.of(c.window(0), c.window(1),
                        c.window(2), c.window(3)), List.of(3, 0, 3, 0)),
                row("gemma2", "hidden_activation", "activation", act, Activation.GELU_TANH),
                row("bloom", "layer_norm_epsilon", "eps", eps, 1e-5),
                row("bloom", "tie_word_embeddings", "tied", tied, true),
                row("bert_mlm", "layer_norm_eps", "eps", eps, 1e-12),
                row("bert_mlm", "type_vocab_size", "token types", ModelConfig::typeVocabSize, 2),
                row("bert_mlm", "max_position_embeddings", "max positions", maxPos, 512),
                row("bert_mlm", "tie_word_embeddings", "tied", tied, true),
                row("qwen3", "head_dim", "head dim", ModelConfig::headDim, 128),
                row("qwen3", "rms_norm_eps", "eps", eps, 1e-6),
                row("qwen3_moe", "norm_topk_prob", "renormalised top-k", c -> c.moe().normTopkProb(), false),
                row("qwen3_moe", "num_experts_per_tok", "top k", c -> c.moe().topK(), 8),
                row("qwen3_moe", "num_key_value_heads", "kv heads", kv, 4),
                row("olmo2", "rms_norm_eps", "eps", eps, 1e-5),
                row("olmo2", "eos_token_id", "eos ids", ModelConfig::eosTokenIds, List.of(50279)));
    }

    @ParameterizedTest
    @MethodSource("hfDefaults")
    void droppedKeyTakesTheFamilysHfDefault(Row r) throws IOException {
        ModelConfig golden = ModelConfig.read(RepoPaths.golden(r.family()));
        ModelConfig dropped = without(r.family(), r.key());
        assertEquals(r.hf(), r.read().apply(dropped), r.toString());
        if (!r.hf().equals(r.read().apply(golden))) {
            assertNotEquals(r.read().apply(golden), r.read().apply(dropped), "the golden value was overridden");
        }
    }

    @Test
    void anExplicitNullIsHfsNoneNotTheDefault() throws IOException {
        // Mistral v0.2 and later state "sliding_window": null to turn the window off; MistralConfig's default is 4096
        String json = java.nio.file.Files.readString(RepoPaths.golden("mistral").resolve("config.json"))
                .replace("\"sliding_window\": 4", "\"sliding_window\": null");
        ModelConfig c = ModelConfig.parse(new ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "mistral with a null window");
        assertEquals(0, c.window(0));
        assertEquals(4096, without("mistral", "sliding_window").window(0));
    }

    @Test
    void aNumericHfDefaultIsTakenEvenWhereItCannotWork() {
        // GemmaConfig's num_key_value_heads is 16, which 4 attention heads cannot share: HF fails, and so do we
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> without("gemma", "num_key_value_heads"));
        assertTrue(e.getMessage().contains("num_key_value_heads") && e.getMessage().contains("16"), e.getMessage());
    }
}
