package org.neurosweep.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.neurosweep.autograd.Var;
import org.neurosweep.tensor.TensorSource;
import org.neurosweep.tensor.TensorSources;
import org.neurosweep.testutil.RepoPaths;

/** Binding hub tensors: layouts, tied embeddings, and clear errors when the checkpoint disagrees with the config. */
class WeightBindingTest {

    private static ModelConfig golden(String family, String from, String to) throws IOException {
        String json = Files.readString(RepoPaths.golden(family).resolve("config.json")).replace(from, to);
        return ModelConfig.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), family + "/config.json");
    }

    @Test
    void projectionsAreTransposedGemmOperandsAndTiedHeadsShareTheEmbedding() {
        CausalLM llama = GoldenModels.load("llama");
        Var q = llama.parameters().get("model.layers.0.self_attn.q_proj.weight");
        assertEquals('f', q.value().ordering(), "held as (in, out) f-order");
        assertEquals(64, q.size(0));
        Var k = llama.parameters().get("model.layers.0.self_attn.k_proj.weight");
        assertEquals(64, k.size(0));
        assertEquals(32, k.size(1));
        CausalLM tied = GoldenModels.load("llama_tied");
        assertTrue(!tied.parameters().containsKey("lm_head.weight"), "a tied model has no separate head");
    }

    @Test
    void shapeThatDisagreesWithTheConfigNamesTensorAndShapes() throws IOException {
        ModelConfig wrong = golden("llama", "\"intermediate_size\": 128", "\"intermediate_size\": 96");
        try (TensorSource source = TensorSources.open(RepoPaths.golden("llama"))) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> ModelLoader.load(wrong, source, false));
            assertTrue(e.getMessage().contains("model.layers.0.mlp.gate_proj.weight"), e.getMessage());
            assertTrue(e.getMessage().contains("[128, 64]") && e.getMessage().contains("[96, 64]"), e.getMessage());
            assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
        }
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        ModelConfig untied = golden("llama_tied", "\"tie_word_embeddings\": true", "\"tie_word_embeddings\": false");
        try (TensorSource source = TensorSources.open(RepoPaths.golden("llama_tied"))) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> ModelLoader.load(untied, source, false));
            assertTrue(e.getMessage().contains("'lm_head.weight' is missing"), e.getMessage());
        }
    }

    @Test
    void folderWithoutWeightsOrConfigIsAClearError(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        ModelConfigException noConfig = assertThrows(ModelConfigException.class, () -> CausalLM.load(dir));
        assertTrue(noConfig.getMessage().contains("config.json"), noConfig.getMessage());
        Files.copy(RepoPaths.golden("llama").resolve("config.json"), dir.resolve("config.json"));
        CheckpointException noWeights = assertThrows(CheckpointException.class, () -> CausalLM.load(dir));
        assertTrue(noWeights.getMessage().contains(dir.toString()), noWeights.getMessage());
    }
}
