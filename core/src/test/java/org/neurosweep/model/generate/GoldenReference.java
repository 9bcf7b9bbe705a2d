package org.neurosweep.model.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.neurosweep.model.CausalLM;
import org.neurosweep.tensor.TensorSource;
import org.neurosweep.tensor.TensorSources;
import org.neurosweep.testutil.RepoPaths;

/**
 * A golden model with the parts of its {@code reference.safetensors} that generation and scoring are checked on:
 * three right-padded prompts (b, T), their logits (b, T, V) and, except for {@code llama_bf16}, the greedy ids of
 * prompt 0. Loaded once per family and shared (models are immutable).
 */
record GoldenReference(String family, CausalLM model, int[][] inputIds, int[][] mask, float[][][] logits,
                       int[] greedyIds) {

    /** Every golden model folder. */
    static final List<String> FAMILIES = List.of("llama", "llama_tied", "llama_bf16", "llama_sharded", "qwen2", "mistral",
            "mixtral", "qwen2_moe", "olmoe", "gpt_neox");

    /** The folders whose reference was computed in fp32, with greedy ids ({@code llama_bf16}'s was computed in bf16). */
    static final List<String> FP32_FAMILIES = FAMILIES.stream().filter(f -> !f.equals("llama_bf16")).toList();

    private static final Map<String, GoldenReference> LOADED = new ConcurrentHashMap<>();

    static GoldenReference of(String family) {
        return LOADED.computeIfAbsent(family, GoldenReference::load);
    }

    private static GoldenReference load(String family) {
        Path dir = RepoPaths.golden(family);
        try (TensorSource ref = TensorSources.open(dir.resolve("reference.safetensors"))) {
            int[] greedy = ref.contains("greedy_ids") ? ref.load("greedy_ids").toIntVector() : null;
            return new GoldenReference(family, CausalLM.load(dir), ref.load("input_ids").toIntMatrix(),
                    ref.load("attention_mask").toIntMatrix(), toFloats(ref.load("logits").data().asDouble(),
                    ref.shape("logits")), greedy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The real (mask 1) tokens of reference prompt {@code row}; the prompts are right-padded. */
    int[] prompt(int row) {
        return Arrays.copyOf(inputIds[row], Arrays.stream(mask[row]).sum());
    }

    /** The three reference prompts cut to 10, 6 and 11 tokens, so that a batch of them needs padding. */
    List<int[]> raggedPrompts() {
        return List.of(prompt(0), Arrays.copyOf(prompt(1), 6), prompt(2));
    }

    /** Prompt 0 followed by its reference greedy tokens. */
    @Override
    public int[] greedyIds() {
        if (greedyIds == null) {
            throw new IllegalStateException(family + ": its reference holds no greedy_ids");
        }
        return greedyIds.clone();
    }

    private static float[][][] toFloats(double[] flat, long[] shape) {
        int b = (int) shape[0];
        int t = (int) shape[1];
        int v = (int) shape[2];
        float[][][] out = new float[b][t][v];
        for (int i = 0; i < flat.length; i++) {
            out[i / (t * v)][i / v % t][i % v] = (float) flat[i];
        }
        return out;
    }
}
