package org.neurosweep.model;

import org.junit.jupiter.api.Test;
import org.neurosweep.hook.Hooks;
import org.neurosweep.testutil.RepoPaths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContextLengthTest {

    @Test
    void aForwardPastMaxPositionsIsRefusedWithTheLengthsAndOneAtTheLimitRuns() {
        CausalLM model = CausalLM.load(RepoPaths.golden("llama"));
        int max = model.config().maxPositions();
        assertEquals(256, max, "the golden llama's max_position_embeddings");
        ContextLengthException tooLong = assertThrows(ContextLengthException.class,
                () -> model.forward(Batch.of(new int[max + 1])));
        assertTrue(tooLong.getMessage().startsWith("a sequence of 257 positions (257 new after 0 cached) is longer than"
                + " the model's context of 256 positions"), tooLong.getMessage());
        try (Forward atLimit = model.forward(Batch.of(new int[max]))) {
            assertEquals(max, atLimit.batch().length());
        }
        KvCache cache = model.newCache(1, max + 8);
        model.forward(Batch.of(new int[max - 1]), Hooks.none(), cache).close();
        model.forward(Batch.continuing(cache, new int[1]), Hooks.none(), cache).close();
        ContextLengthException decoding = assertThrows(ContextLengthException.class,
                () -> model.forward(Batch.continuing(cache, new int[1]), Hooks.none(), cache));
        assertTrue(decoding.getMessage().contains("(1 new after 256 cached)"), decoding.getMessage());
    }
}
