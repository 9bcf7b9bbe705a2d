package org.neurosweep.model.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.hook.Captures;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;

/** Generation against the golden models' greedy references and against itself (cache, batching, seeds, hooks). */
class GeneratorTest {

    private static final int NEW_TOKENS = 6;
    private static final float LOG_PROB_TOLERANCE = 1e-4f;

    @ParameterizedTest
    @FieldSource("org.neurosweep.model.generate.GoldenReference#FP32_FAMILIES")
    void greedyWithKvCacheReproducesTheReferenceGreedyIds(String family) {
        GoldenReference golden = GoldenReference.of(family);
        int[] prompt = golden.prompt(0);
        Generation g = new Generator(golden.model()).generate(List.of(prompt), GenerationSettings.greedy(NEW_TOKENS));
        int[] expected = Arrays.copyOfRange(golden.greedyIds(), prompt.length, golden.greedyIds().length);
        assertEquals(NEW_TOKENS, expected.length, family + ": reference holds 6 greedy tokens");
        assertArrayEquals(expected, g.tokens(0), family);
    }

    @ParameterizedTest
    @FieldSource("org.neurosweep.model.generate.GoldenReference#FAMILIES")
    void kvCacheDecodingEqualsRecomputingThePrefix(String family) {
        GoldenReference golden = GoldenReference.of(family);
        Generator generator = new Generator(golden.model());
        GenerationSettings cached = GenerationSettings.greedy(8).withLogProbs(true);
        Generation withCache = generator.generate(golden.raggedPrompts(), cached);
        Generation recomputed = generator.generate(golden.raggedPrompts(), cached.withKvCache(false));
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(recomputed.tokens(r), withCache.tokens(r), family + " row " + r);
            assertArrayEquals(recomputed.logProbs(r), withCache.logProbs(r), LOG_PROB_TOLERANCE, family + " row " + r);
        }
    }

    @ParameterizedTest
    @FieldSource("org.neurosweep.model.generate.GoldenReference#FAMILIES")
    void leftPaddedBatchEqualsEachRowAlone(String family) {
        GoldenReference golden = GoldenReference.of(family);
        Generator generator = new Generator(golden.model());
        GenerationSettings settings = GenerationSettings.greedy(8).withLogProbs(true);
        List<int[]> prompts = golden.raggedPrompts();
        Generation batched = generator.generate(prompts, settings);
        for (int r = 0; r < prompts.size(); r++) {
            Generation alone = generator.generate(List.of(prompts.get(r)), settings);
            assertArrayEquals(alone.tokens(0), batched.tokens(r), family + " row " + r);
            assertArrayEquals(alone.logProbs(0), batched.logProbs(r), LOG_PROB_TOLERANCE, family + " row " + r);
        }
    }

    @Test
    void seededSamplingIsReproducibleAndIndependentOfBatchMates() {
        GoldenReference golden = GoldenReference.of("llama");
        Generator generator = new Generator(golden.model());
        GenerationSettings settings = GenerationSettings.greedy(6)
                .withSampling(Sampling.atTemperature(1.5).withTopK(50).withTopP(0.95), 7L);
        List<int[]> prompts = golden.raggedPrompts();
        Generation first = generator.generate(prompts, settings);
        Generation again = generator.generate(prompts, settings);
        Generation otherSeed = generator.generate(prompts, settings.withSampling(settings.sampling(), 8L));
        boolean anyDiffers = false;
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(first.tokens(r), again.tokens(r), "same seed, row " + r);
            anyDiffers |= !Arrays.equals(first.tokens(r), otherSeed.tokens(r));
        }
        assertTrue(anyDiffers, "another seed draws other tokens");

        long[] seeds = {11L, 12L, 13L};
        Generation trio = generator.generate(prompts, settings, Hooks.none(), seeds);
        Generation single = generator.generate(List.of(prompts.get(1)), settings, Hooks.none(), new long[] {12L});
        Generation swapped = generator.generate(List.of(prompts.get(1), prompts.get(0)), settings, Hooks.none(),
                new long[] {12L, 11L});
        assertArrayEquals(trio.tokens(1), single.tokens(0), "row with seed 12 alone");
        assertArrayEquals(trio.tokens(1), swapped.tokens(0), "row with seed 12 first");
        assertArrayEquals(trio.tokens(0), swapped.tokens(1), "row with seed 11 second");
    }

    @Test
    void topKOfOneIsGreedy() {
        GoldenReference golden = GoldenReference.of("qwen2_moe");
        Generator generator = new Generator(golden.model());
        GenerationSettings greedy = GenerationSettings.greedy(8);
        Generation expected = generator.generate(golden.raggedPrompts(), greedy);
        Generation topOne = generator.generate(golden.raggedPrompts(),
                greedy.withSampling(Sampling.atTemperature(2.0).withTopK(1), 123L));
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(expected.tokens(r), topOne.tokens(r), "row " + r);
        }
    }

    @Test
    void aStopTokenEndsOnlyItsRowAndIsKept() {
        GoldenReference golden = GoldenReference.of("llama");
        Generator generator = new Generator(golden.model());
        List<int[]> prompts = golden.raggedPrompts();
        Generation free = generator.generate(prompts, GenerationSettings.greedy(8));
        int stop = free.tokens(0)[2];
        Generation stopped = generator.generate(prompts, GenerationSettings.greedy(8).withStopTokens(stop));
        for (int r = 0; r < 3; r++) {
            int[] full = free.tokens(r);
            int end = 0;
            while (end < full.length && full[end] != stop) {
                end++;
            }
            boolean hits = end < full.length;
            int[] expected = Arrays.copyOf(full, hits ? end + 1 : full.length);
            assertArrayEquals(expected, stopped.tokens(r), "row " + r);
            assertEquals(hits, stopped.stopped(r), "row " + r);
        }
        assertTrue(stopped.stopped(0));
        assertTrue(stopped.tokens(0).length <= 3);
    }

    @Test
    void greedyTokensAreTheArgmaxUnderTeacherForcingWithTheSameLogProbs() {
        GoldenReference golden = GoldenReference.of("mixtral");
        Generation g = new Generator(golden.model()).generate(golden.raggedPrompts(),
                GenerationSettings.greedy(5).withLogProbs(true));
        List<Continuation> items = List.of(0, 1, 2).stream()
                .map(r -> new Continuation(golden.raggedPrompts().get(r), g.tokens(r))).toList();
        List<ContinuationScore> scores = new ContinuationScorer(golden.model(), 3, ContinuationScorer.Padding.RIGHT)
                .score(items);
        for (int r = 0; r < 3; r++) {
            assertTrue(scores.get(r).greedyMatch(), "row " + r);
            assertArrayEquals(g.logProbs(r), scores.get(r).tokenLogProbs(), LOG_PROB_TOLERANCE, "row " + r);
        }
    }

    /**
     * An attention mask registered on Hooks applies to every decoding step: from the first generated token on,
     * queries may not see the first two prompt tokens. The pattern captured at each cached step shows it, and the
     * cached run equals the recomputing run under the same hooks.
     */
    @Test
    void attentionMasksApplyAtEveryCachedDecodingStep() {
        GoldenReference golden = GoldenReference.of("llama");
        Generator generator = new Generator(golden.model());
        int[] prompt = golden.prompt(0);
        int p = prompt.length;
        int steps = 5;
        int total = p + steps;
        INDArray mask = Nd4j.zeros(1, 1, total, total);
        for (int q = p; q < total; q++) {
            mask.putScalar(new long[] {0, 0, q, 0}, Float.NEGATIVE_INFINITY);
            mask.putScalar(new long[] {0, 0, q, 1}, Float.NEGATIVE_INFINITY);
        }
        int layers = golden.model().config().numLayers();
        String pattern = HookNames.layer(0).attnPattern;
        GenerationSettings settings = GenerationSettings.greedy(steps).withLogProbs(true);
        Hooks hooks = new Hooks().capture(pattern);
        for (int l = 0; l < layers; l++) {
            hooks.maskAttention(l, mask);
        }
        Generation masked = generator.generate(List.of(prompt), settings, hooks);
        Generation recomputed = generator.generate(List.of(prompt), settings.withKvCache(false), hooks);
        Generation plain = generator.generate(List.of(prompt), settings);

        assertArrayEquals(recomputed.tokens(0), masked.tokens(0));
        assertArrayEquals(recomputed.logProbs(0), masked.logProbs(0), LOG_PROB_TOLERANCE);
        assertFalse(Arrays.equals(plain.logProbs(0), masked.logProbs(0)), "the mask changes the decoding steps");

        List<Captures> perStep = masked.captures();
        assertEquals(steps, perStep.size(), "prefill + one forward per further token");
        INDArray prefill = perStep.get(0).get(pattern);                             // (1, heads, p, p)
        assertTrue(prefill.getFloat(0, 0, p - 1, 0) > 0, "the prompt's own queries are not masked");
        for (int s = 1; s < steps; s++) {
            INDArray step = perStep.get(s).get(pattern);                            // (1, heads, 1, p + s)
            assertEquals(p + s, step.size(3), "step " + s + " attends to the cache and itself");
            for (int h = 0; h < step.size(1); h++) {
                assertEquals(0f, step.getFloat(0, h, 0, 0), "step " + s + " head " + h + " key 0");
                assertEquals(0f, step.getFloat(0, h, 0, 1), "step " + s + " head " + h + " key 1");
                assertTrue(step.getFloat(0, h, 0, 2) > 0, "step " + s + " head " + h + " key 2");
            }
        }
    }

    @Test
    void badPromptsAreRejectedWithTheirRow() {
        GoldenReference golden = GoldenReference.of("llama");
        Generator generator = new Generator(golden.model());
        int vocab = golden.model().config().vocabSize();
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> generator.generate(List.of(new int[] {1, 2}, new int[] {3, vocab}), GenerationSettings.greedy(2)));
        assertTrue(outside.getMessage().contains("prompt 1, token 1"), outside.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> generator.generate(List.of(new int[0]), GenerationSettings.greedy(2)));
        assertTrue(empty.getMessage().contains("prompt 0 is empty"), empty.getMessage());
    }
}
