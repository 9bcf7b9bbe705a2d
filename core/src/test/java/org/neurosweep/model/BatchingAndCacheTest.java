package org.neurosweep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.hook.Hooks;

/**
 * Padding and incremental decoding must not change the numbers: a left- or right-padded batched forward equals
 * each row's unpadded forward at its real positions, and KV-cached decoding equals the full forward.
 */
class BatchingAndCacheTest {
    private static final double TOL = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"llama", "mistral", "qwen2_moe", "olmoe", "gpt_neox", "gemma2", "bloom", "bert_mlm", "qwen3",
        "olmo2"})
    void paddedBatchEqualsUnpaddedRows(String family) {
        CausalLM model = GoldenModels.load(family);
        int vocab = model.config().vocabSize();
        List<int[]> rows = List.of(GoldenModels.tokens(9, vocab, 1), GoldenModels.tokens(4, vocab, 2),
                GoldenModels.tokens(7, vocab, 3));
        INDArray left = GoldenModels.logits(model, Batch.leftPadded(rows, 1));
        INDArray right = GoldenModels.logits(model, Batch.rightPadded(rows, 1));
        for (int r = 0; r < rows.size(); r++) {
            int n = rows.get(r).length;
            INDArray alone = GoldenModels.logits(model, Batch.of(rows.get(r))).get(NDArrayIndex.point(0));  // (n, V)
            INDArray fromLeft = left.get(NDArrayIndex.point(r), NDArrayIndex.interval(9 - n, 9), NDArrayIndex.all());
            INDArray fromRight = right.get(NDArrayIndex.point(r), NDArrayIndex.interval(0, n), NDArrayIndex.all());
            assertTrue(GoldenModels.relError(fromLeft, alone) < TOL, family + " left-padded row " + r);
            assertTrue(GoldenModels.relError(fromRight, alone) < TOL, family + " right-padded row " + r);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "mistral", "mixtral", "qwen2_moe", "olmoe", "gpt_neox", "gemma", "gemma2", "bloom",
        "qwen3", "qwen3_moe", "olmo2"})
    void cachedDecodingEqualsFullForward(String family) {
        CausalLM model = GoldenModels.load(family);
        int[] ids = GoldenModels.tokens(12, model.config().vocabSize(), 7);
        INDArray full = GoldenModels.logits(model, Batch.of(ids)).get(NDArrayIndex.point(0));      // (12, V)
        KvCache cache = model.newCache(1, ids.length);
        // prefill 5 tokens, then a chunk of 3, then one token at a time
        int[][] chunks = {slice(ids, 0, 5), slice(ids, 5, 8), slice(ids, 8, 9), slice(ids, 9, 10), slice(ids, 10, 11),
            slice(ids, 11, 12)};
        int at = 0;
        for (int[] chunk : chunks) {
            Batch step = at == 0 ? Batch.of(chunk) : Batch.continuing(cache, chunk);
            try (Forward f = model.forward(step, Hooks.none(), cache)) {
                INDArray got = f.logits().value().get(NDArrayIndex.point(0));
                INDArray want = full.get(NDArrayIndex.interval(at, at + chunk.length), NDArrayIndex.all());
                assertTrue(GoldenModels.relError(got, want) < TOL, family + " tokens " + at + ".." + (at + chunk.length));
            }
            at += chunk.length;
        }
        assertEquals(ids.length, cache.length());
        assertThrows(IllegalStateException.class, () -> model.forward(Batch.continuing(cache, new int[] {3}),
                Hooks.none(), cache));
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2_moe", "gemma2", "bloom"})
    void leftPaddedCachedGenerationEqualsRowsAlone(String family) {
        CausalLM model = GoldenModels.load(family);
        int vocab = model.config().vocabSize();
        List<int[]> prompts = List.of(GoldenModels.tokens(6, vocab, 11), GoldenModels.tokens(3, vocab, 12));
        int[][] batched = greedy(model, Batch.leftPadded(prompts, 1), 4);
        for (int r = 0; r < prompts.size(); r++) {
            assertArrayEquals(greedy(model, Batch.of(prompts.get(r)), 4)[0], batched[r], family + " row " + r);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gpt_neox"})
    void logitsAtLastAndChosenPositionsMatchAll(String family) {
        CausalLM model = GoldenModels.load(family);
        int vocab = model.config().vocabSize();
        Batch batch = Batch.rightPadded(List.of(GoldenModels.tokens(6, vocab, 4), GoldenModels.tokens(3, vocab, 5)), 1);
        INDArray all = GoldenModels.logits(model, batch);
        INDArray last = GoldenModels.logits(model, batch.logitsAt(LogitsAt.last()));
        assertArrayEquals(new long[] {2, 1, vocab}, last.shape());
        assertEquals(all.get(NDArrayIndex.point(0), NDArrayIndex.point(5)), last.get(NDArrayIndex.point(0), NDArrayIndex.point(0)));
        assertEquals(all.get(NDArrayIndex.point(1), NDArrayIndex.point(2)), last.get(NDArrayIndex.point(1), NDArrayIndex.point(0)));
        INDArray chosen = GoldenModels.logits(model, batch.logitsAt(LogitsAt.positions(1, 2)));
        assertEquals(all.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3), NDArrayIndex.all()), chosen);
        // each row its own positions (row 1 padded by repeating its last one)
        INDArray perRow = GoldenModels.logits(model, batch.logitsAt(LogitsAt.perRow(new int[][] {{4, 5}, {2, 2}})));
        assertArrayEquals(new long[] {2, 2, vocab}, perRow.shape());
        assertEquals(all.get(NDArrayIndex.point(0), NDArrayIndex.interval(4, 6), NDArrayIndex.all()),
                perRow.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all()));
        assertEquals(all.get(NDArrayIndex.point(1), NDArrayIndex.point(2)), perRow.get(NDArrayIndex.point(1), NDArrayIndex.point(1)));
        assertThrows(IllegalArgumentException.class, () -> LogitsAt.perRow(new int[][] {{4, 5}, {2}}));
    }

    // greedy continuation of every row with the KV cache → (b, steps) generated ids
    private static int[][] greedy(CausalLM model, Batch prompt, int steps) {
        KvCache cache = model.newCache(prompt.size(), prompt.length() + steps);
        int[][] out = new int[prompt.size()][steps];
        Batch next = prompt.logitsAt(LogitsAt.last());
        for (int s = 0; s < steps; s++) {
            int[][] step = new int[prompt.size()][1];
            try (Forward f = model.forward(next, Hooks.none(), cache)) {
                INDArray argmax = f.logits().value().argMax(2);                                  // (b, 1)
                for (int r = 0; r < prompt.size(); r++) {
                    out[r][s] = argmax.getInt(r, 0);
                    step[r][0] = out[r][s];
                }
            }
            next = Batch.continuing(cache, step).logitsAt(LogitsAt.last());
        }
        return out;
    }

    private static int[] slice(int[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }
}
