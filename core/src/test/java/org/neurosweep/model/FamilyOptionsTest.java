package org.neurosweep.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.tensor.SafetensorsWriter;
import org.neurosweep.tensor.TensorSource;
import org.neurosweep.tensor.TensorSources;
import org.neurosweep.testutil.RepoPaths;

/** Config options the golden references do not exercise, checked by their defining properties. */
class FamilyOptionsTest {
    private static final int[] PROMPT = {5, 17, 300, 41, 9, 77, 12};

    private static CausalLM withConfig(String family, String from, String to) throws IOException {
        String json = Files.readString(RepoPaths.golden(family).resolve("config.json"));
        assertTrue(json.contains(from), from);
        ModelConfig config = ModelConfig.parse(new ByteArrayInputStream(json.replace(from, to)
                .getBytes(StandardCharsets.UTF_8)), family + "/config.json");
        try (TensorSource source = TensorSources.open(RepoPaths.golden(family))) {
            return ModelLoader.load(config, source, false);
        }
    }

    @Test
    void clipQkvBoundsQueriesKeysAndValues() throws IOException {
        INDArray plain = GoldenModels.logits(GoldenModels.load("olmoe"), Batch.of(PROMPT));
        CausalLM loose = withConfig("olmoe", "\"clip_qkv\": null", "\"clip_qkv\": 1e6");
        assertEquals(plain, GoldenModels.logits(loose, Batch.of(PROMPT)), "a clip nothing reaches changes nothing");
        CausalLM tight = withConfig("olmoe", "\"clip_qkv\": null", "\"clip_qkv\": 0.05");
        try (Forward f = tight.forward(Batch.of(PROMPT), new Hooks().capture(HookNames.attnV(0)), null)) {
            assertTrue(f.captures().get(HookNames.attnV(0)).amaxNumber().doubleValue() <= 0.05 + 1e-7);
            assertFalse(plain.equalsWithEps(f.logits().value(), 1e-4));
        }
    }

    @Test
    void sequentialResidualFeedsTheMlpFromTheMidResidual() throws IOException {
        CausalLM parallel = GoldenModels.load("gpt_neox");
        CausalLM sequential = withConfig("gpt_neox", "\"use_parallel_residual\": true", "\"use_parallel_residual\": false");
        String pre = HookNames.mlpPre(0);
        // the attention sublayer is the same; the MLP input differs unless attention added nothing
        try (Forward p = parallel.forward(Batch.of(PROMPT), new Hooks().capture(pre, HookNames.attnOut(0)), null);
             Forward s = sequential.forward(Batch.of(PROMPT), new Hooks().capture(pre, HookNames.attnOut(0)), null)) {
            assertEquals(p.captures().get(HookNames.attnOut(0)), s.captures().get(HookNames.attnOut(0)));
            assertFalse(p.captures().get(pre).equalsWithEps(s.captures().get(pre), 1e-5));
        }
    }

    @Test
    void slidingWindowOnlyMattersBeyondTheWindow() throws IOException {
        CausalLM windowed = GoldenModels.load("mistral");
        CausalLM full = withConfig("mistral", "\"sliding_window\": 4", "\"sliding_window\": null");
        INDArray w = GoldenModels.logits(windowed, Batch.of(PROMPT));
        INDArray f = GoldenModels.logits(full, Batch.of(PROMPT));
        for (int j = 0; j < PROMPT.length; j++) {
            boolean same = w.get(point(0), point(j)).equalsWithEps(f.get(point(0), point(j)), 1e-6);
            assertEquals(j < 4, same, "position " + j);
        }
    }

    @Test
    void bertLayerNormsUnderTheirTensorFlowNamesLoadTheSame(@TempDir Path dir) throws IOException {
        // bert-base-uncased stores LayerNorm.gamma / LayerNorm.beta; HF reads them as weight / bias
        Map<String, INDArray> renamed = new LinkedHashMap<>();
        try (TensorSource source = TensorSources.open(RepoPaths.golden("bert_mlm"))) {
            for (String name : source.names()) {
                String tf = name.replaceAll("LayerNorm\\.weight$", "LayerNorm.gamma").replaceAll("LayerNorm\\.bias$", "LayerNorm.beta");
                renamed.put(tf, source.load(name, 'c'));
            }
        }
        assertTrue(renamed.containsKey("bert.embeddings.LayerNorm.gamma"));
        new SafetensorsWriter().write(dir.resolve("model.safetensors"), renamed);
        Files.copy(RepoPaths.golden("bert_mlm").resolve("config.json"), dir.resolve("config.json"));
        CausalLM tf = CausalLM.load(dir);
        assertEquals(GoldenModels.logits(GoldenModels.load("bert_mlm"), Batch.of(PROMPT)),
                GoldenModels.logits(tf, Batch.of(PROMPT)));
    }
}
