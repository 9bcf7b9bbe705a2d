package org.neurosweep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CausalLmBatchTest {

    private static final int I = CausalLmBatch.IGNORE_INDEX;

    @Test
    void responseOnlyMaskCountsResponseTokensAsTargets() {
        List<LmExample> examples = List.of(
                LmExample.of(new int[] {10, 11, 12}, new int[] {20, 21}),
                LmExample.of(new int[] {30}, new int[] {40}));
        CausalLmBatch batch = CausalLmBatch.of(examples, 1, LossMask.RESPONSE_ONLY);
        assertArrayEquals(new int[] {10, 11, 12, 20, 21}, batch.input().idArray().getRow(0).toIntVector());
        assertArrayEquals(new int[] {30, 40, 1, 1, 1}, batch.input().idArray().getRow(1).toIntVector());
        for (int j = 0; j < 5; j++) {
            assertEquals(j < 2, batch.input().isReal(1, j));
        }
        // position j predicts token j + 1: the last prompt position predicts the first response token
        assertArrayEquals(new int[] {I, I, 20, 21, I, 40, I, I, I, I}, batch.targets());
        assertEquals(3, batch.countedTokens());
    }

    @Test
    void allTokensMaskCountsEveryNextToken() {
        CausalLmBatch batch = CausalLmBatch.of(List.of(LmExample.of(new int[] {10, 11}, new int[] {20})), 1,
                LossMask.ALL_TOKENS);
        assertArrayEquals(new int[] {11, 20, I}, batch.targets());
        assertEquals(2, batch.countedTokens());
    }
}
