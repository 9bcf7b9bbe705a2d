package org.neurosweep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neurosweep.testutil.RepoPaths;

class ModelConfigTest {

    private static final String LLAMA_CORE = "\"model_type\": \"llama\", \"vocab_size\": 1024, \"hidden_size\": 64, "
            + "\"num_hidden_layers\": 3, \"num_attention_heads\": 4, \"num_key_value_heads\": 2, "
            + "\"intermediate_size\": 128, \"rms_norm_eps\": 1e-6";

    private static ModelConfig parse(String json) {
        return ModelConfig.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test/config.json");
    }

    @Test
    void readsGoldenConfigsOfEveryFamily() {
        ModelConfig llama = ModelConfig.read(RepoPaths.golden("llama"));
        assertEquals(16, llama.headDim());
        assertEquals(2, llama.numKvHeads());
        assertEquals(RopeConfig.Type.DEFAULT, llama.rope().type());
        assertFalse(llama.qkvBias());
        assertNull(llama.moe());

        assertTrue(ModelConfig.read(RepoPaths.golden("qwen2")).qkvBias());
        assertTrue(ModelConfig.read(RepoPaths.golden("llama_tied")).tieWordEmbeddings());
        ModelConfig mistral = ModelConfig.read(RepoPaths.golden("mistral"));
        assertEquals(4, mistral.window(0));
        assertEquals(4, mistral.window(2));

        ModelConfig mixtral = ModelConfig.read(RepoPaths.golden("mixtral"));
        assertEquals(16, mixtral.headDim(), "head_dim: null falls back to hidden / heads");
        assertEquals(4, mixtral.moe().numExperts());
        assertTrue(mixtral.moe().normTopkProb());

        ModelConfig qwenMoe = ModelConfig.read(RepoPaths.golden("qwen2_moe"));
        assertEquals(32, qwenMoe.moe().expertIntermediateSize());
        assertEquals(64, qwenMoe.moe().sharedExpertIntermediateSize());
        assertFalse(qwenMoe.moe().normTopkProb());
        assertTrue(qwenMoe.moe().isSparse(0));

        ModelConfig neox = ModelConfig.read(RepoPaths.golden("gpt_neox"));
        assertEquals(Activation.GELU, neox.activation());
        assertTrue(neox.parallelResidual());
        assertEquals(4, neox.rope().rotaryDim(neox.headDim()), "25% of head_dim 16");
        assertTrue(neox.qkvBias() && neox.outputBias() && neox.mlpBias());
    }

    @Test
    void hubSpellingEqualsNewSpelling() {
        ModelConfig hub = parse("{" + LLAMA_CORE + ", \"rope_theta\": 500000.0, "
                + "\"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}, \"torch_dtype\": \"bfloat16\"}");
        ModelConfig fresh = parse("{" + LLAMA_CORE + ", \"rope_parameters\": {\"rope_type\": \"linear\", "
                + "\"rope_theta\": 500000.0, \"factor\": 2.0}, \"dtype\": \"bfloat16\"}");
        assertEquals(hub, fresh);
        assertEquals("bfloat16", hub.dtype());
        float[] inv = hub.rope().inverseFrequencies(16);
        assertEquals(8, inv.length);
        assertEquals(0.5f, inv[0], 1e-7f, "linear scaling divides every frequency by the factor");
        assertEquals(0.5 * Math.pow(500000.0, -14.0 / 16), inv[7], 1e-9);
    }

    @Test
    void llama3RopeKeepsHighFrequenciesAndScalesLowOnes() {
        ModelConfig c = parse("{" + LLAMA_CORE.replace("\"hidden_size\": 64", "\"hidden_size\": 512")
                .replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 4, \"head_dim\": 128")
                + ", \"rope_theta\": 500000.0, \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0, "
                + "\"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192}}");
        RopeConfig rope = c.rope();
        assertEquals(RopeConfig.Type.LLAMA3, rope.type());
        float[] inv = rope.inverseFrequencies(128);
        int kept = 0;
        int divided = 0;
        int smoothed = 0;
        for (int i = 0; i < inv.length; i++) {
            double base = Math.pow(500000.0, -2.0 * i / 128);
            double wavelen = 2 * Math.PI / base;
            if (wavelen < 8192 / 4.0) {
                assertEquals(base, inv[i], 1e-6 * base);
                kept++;
            } else if (wavelen > 8192 / 1.0) {
                assertEquals(base / 8, inv[i], 1e-6 * base);
                divided++;
            } else {
                assertTrue(inv[i] > base / 8 && inv[i] < base, "band " + i + " lies between the two scalings");
                smoothed++;
            }
        }
        assertTrue(kept > 0 && divided > 0 && smoothed > 0, kept + " " + divided + " " + smoothed);
    }

    @Test
    void gptNeoxHubSpellingReadsRotaryPctAndBase() {
        ModelConfig c = parse("{\"model_type\": \"gpt_neox\", \"vocab_size\": 1024, \"hidden_size\": 64, "
                + "\"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"intermediate_size\": 256, "
                + "\"layer_norm_eps\": 1e-5, \"rotary_pct\": 0.25, \"rotary_emb_base\": 10000, "
                + "\"use_parallel_residual\": false, \"hidden_act\": \"gelu\"}");
        assertEquals(4, c.rope().rotaryDim(16));
        assertEquals(10000.0, c.rope().theta());
        assertFalse(c.parallelResidual());
        assertArrayEquals(new float[] {1f, 0.01f}, c.rope().inverseFrequencies(16), 1e-7f);
    }

    @Test
    void missingKeyNamesFileAndKey() {
        ModelConfigException e = assertThrows(ModelConfigException.class,
                () -> parse("{" + LLAMA_CORE.replace("\"intermediate_size\": 128, ", "") + "}"));
        assertTrue(e.getMessage().contains("test/config.json"), e.getMessage());
        assertTrue(e.getMessage().contains("'intermediate_size'"), e.getMessage());
    }

    @Test
    void missingNestedKeyNamesItsPath() {
        ModelConfigException e = assertThrows(ModelConfigException.class,
                () -> parse("{" + LLAMA_CORE + ", \"rope_scaling\": {\"rope_type\": \"linear\"}}"));
        assertTrue(e.getMessage().contains("'rope_scaling.factor'"), e.getMessage());
    }

    @Test
    void unsupportedModelTypeListsTheSupportedOnes() {
        ModelConfigException e = assertThrows(ModelConfigException.class,
                () -> parse("{" + LLAMA_CORE.replace("\"llama\"", "\"t5\"") + "}"));
        for (String type : ArchitectureRegistry.supportedTypes()) {
            assertTrue(e.getMessage().contains(type), e.getMessage());
        }
        assertTrue(e.getMessage().contains("'t5'") && e.getMessage().contains("'model_type'"), e.getMessage());
    }

    @Test
    void unsupportedOptionsListWhatIsSupported() {
        ModelConfigException rope = assertThrows(ModelConfigException.class,
                () -> parse("{" + LLAMA_CORE + ", \"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0}}"));
        assertTrue(rope.getMessage().contains("yarn") && rope.getMessage().contains("default, linear, llama3"),
                rope.getMessage());
        ModelConfigException act = assertThrows(ModelConfigException.class,
                () -> parse("{" + LLAMA_CORE + ", \"hidden_act\": \"relu\"}"));
        assertTrue(act.getMessage().contains("'hidden_act'") && act.getMessage().contains("silu"), act.getMessage());
    }

    @Test
    void wrongTypeAndBadShapesAreRejected() {
        ModelConfigException type = assertThrows(ModelConfigException.class,
                () -> parse("{" + LLAMA_CORE.replace("\"hidden_size\": 64", "\"hidden_size\": \"64\"") + "}"));
        assertTrue(type.getMessage().contains("'hidden_size'") && type.getMessage().contains("integer"), type.getMessage());
        ModelConfigException heads = assertThrows(ModelConfigException.class,
                () -> parse("{" + LLAMA_CORE.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3") + "}"));
        assertTrue(heads.getMessage().contains("'num_key_value_heads'"), heads.getMessage());
        assertThrows(ModelConfigException.class, () -> parse("[1, 2]"));
        assertThrows(ModelConfigException.class, () -> parse("{\"model_type\": "));
    }

    /** The golden config of {@code family} with {@code from} replaced by {@code to}, parsed. */
    private static ModelConfig goldenWith(String family, String from, String to) throws java.io.IOException {
        String json = java.nio.file.Files.readString(RepoPaths.golden(family).resolve("config.json"));
        assertTrue(json.contains(from), from);
        return parse(json.replace(from, to));
    }

    @Test
    void secondWaveConfigsAreReadWithTheirFamilysOptions() throws java.io.IOException {
        ModelConfig gemma2 = ModelConfig.read(RepoPaths.golden("gemma2"));
        assertEquals(50.0, gemma2.attnSoftcap());
        assertEquals(30.0, gemma2.finalSoftcap());
        assertEquals(0.25, gemma2.attentionScale(), "query_pre_attn_scalar 16");
        assertEquals(3, gemma2.window(0));
        assertEquals(0, gemma2.window(1));
        assertEquals(Activation.GELU_TANH, gemma2.activation());
        ModelConfig bloom = ModelConfig.read(RepoPaths.golden("bloom"));
        assertEquals(ModelConfig.PositionEncoding.ALIBI, bloom.positions());
        assertEquals(256, bloom.intermediateSize(), "BLOOM's MLP is 4·hidden");
        assertEquals(4, bloom.numHeads(), "n_head");
        assertEquals(3, bloom.numLayers(), "n_layer");
        ModelConfig bert = ModelConfig.read(RepoPaths.golden("bert_mlm"));
        assertFalse(bert.causal());
        assertEquals(ModelConfig.PositionEncoding.LEARNED, bert.positions());
        assertEquals(2, bert.typeVocabSize());
        ModelConfig qwen3Moe = ModelConfig.read(RepoPaths.golden("qwen3_moe"));
        assertEquals(8, qwen3Moe.moe().numExperts(), "num_local_experts, transformers 5's spelling");
        assertTrue(qwen3Moe.moe().normTopkProb());
        assertFalse(qwen3Moe.moe().hasSharedExpert());
        ModelConfig sparse = goldenWith("qwen3_moe", "\"mlp_only_layers\": []", "\"mlp_only_layers\": [1]");
        assertFalse(sparse.moe().isSparse(1));
        ModelConfig step = goldenWith("qwen3_moe", "\"decoder_sparse_step\": 1", "\"decoder_sparse_step\": 2");
        assertFalse(step.moe().isSparse(0));
        assertTrue(step.moe().isSparse(1));
    }

    @Test
    void badSecondWaveOptionsNameTheKey() {
        ModelConfigException types = assertThrows(ModelConfigException.class, () -> goldenWith("gemma2",
                "\"full_attention\"\n  ],", "\"full_attention\",\n    \"full_attention\"\n  ],"));
        assertTrue(types.getMessage().contains("'layer_types'") && types.getMessage().contains("5 layers")
                && types.getMessage().contains("num_hidden_layers is 4"), types.getMessage());
        ModelConfigException unknownType = assertThrows(ModelConfigException.class, () -> goldenWith("gemma2",
                "\"sliding_attention\",\n    \"full_attention\",", "\"chunked_attention\",\n    \"full_attention\","));
        assertTrue(unknownType.getMessage().contains("'layer_types'")
                && unknownType.getMessage().contains("chunked_attention"), unknownType.getMessage());
        for (String cap : List.of("attn_logit_softcapping", "final_logit_softcapping")) {
            for (String value : List.of("0.0", "-5.0")) {
                ModelConfigException e = assertThrows(ModelConfigException.class, () -> goldenWith("gemma2",
                        "\"" + cap + "\": " + (cap.startsWith("attn") ? "50.0" : "30.0"), "\"" + cap + "\": " + value));
                assertTrue(e.getMessage().contains("'" + cap + "'") && e.getMessage().contains("> 0"), e.getMessage());
            }
        }
        ModelConfigException position = assertThrows(ModelConfigException.class, () -> goldenWith("bert_mlm",
                "\"model_type\": \"bert\",", "\"model_type\": \"bert\", \"position_embedding_type\": \"relative_key\","));
        assertTrue(position.getMessage().contains("'position_embedding_type'"), position.getMessage());
        ModelConfigException unknown = assertThrows(ModelConfigException.class, () -> goldenWith("gemma2",
                "\"model_type\": \"gemma2\"", "\"model_type\": \"gemma3\""));
        assertTrue(unknown.getMessage().contains("'model_type'") && unknown.getMessage().contains("gemma3"),
                unknown.getMessage());
    }
}
