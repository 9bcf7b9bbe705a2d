package org.neurosweep.model.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.testutil.MaskedGolden;
import org.neurosweep.testutil.RepoPaths;

/**
 * The two readings of a hidden token: a causal LM's equal teacher forcing ({@link ContinuationScorer}); a masked LM's
 * equal one forward of the masked copy, and neither depends on how the rows are padded and batched.
 */
class TokenPredictorTest {

    private static final int[] TEXT = {5, 17, 300, 41, 9, 77, 12, 250};

    @Test
    void aCausalLmReadsTheTeacherForcedDistribution() {
        CausalLM llama = CausalLM.load(RepoPaths.golden("llama"));
        List<TokenPredictor.Query> queries = new ArrayList<>();
        for (int i = 3; i < TEXT.length; i++) {
            queries.add(TokenPredictor.Query.token(TEXT, i));
        }
        double[] lp = new TokenPredictor(llama, OptionalInt.empty(), 4).logProbs(queries, Hooks.none());
        float[] forced = new ContinuationScorer(llama, 4, ContinuationScorer.Padding.RIGHT)
                .score(List.of(new Continuation(java.util.Arrays.copyOf(TEXT, 3),
                        java.util.Arrays.copyOfRange(TEXT, 3, TEXT.length)))).get(0).tokenLogProbs();
        for (int i = 0; i < lp.length; i++) {
            assertEquals(forced[i], lp[i], 1e-6, "token " + (i + 3));
        }
        IllegalArgumentException first = assertThrows(IllegalArgumentException.class, () -> new TokenPredictor(llama,
                OptionalInt.empty(), 4).logProbs(List.of(TokenPredictor.Query.token(TEXT, 0)), Hooks.none()));
        assertTrue(first.getMessage().contains("first token"), first.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TokenPredictor(llama, OptionalInt.of(3), 4));
    }

    @Test
    void aMaskedLmReadsTheMaskedCopyWhateverThePaddingAndBatching() {
        CausalLM bert = CausalLM.load(RepoPaths.golden("bert_mlm"));
        int mask = MaskedGolden.MASK;
        IllegalArgumentException noMask = assertThrows(IllegalArgumentException.class,
                () -> new TokenPredictor(bert, OptionalInt.empty(), 4));
        assertTrue(noMask.getMessage().contains("masked LM"), noMask.getMessage());

        // a span of two tokens masked whole, read at its first position, by hand
        int[] masked = TEXT.clone();
        masked[2] = mask;
        masked[3] = mask;
        float[] byHand;
        try (Forward f = bert.forward(Batch.of(masked).logitsAt(LogitsAt.positions(2)))) {
            byHand = f.logits().value().reshape(-1).toFloatVector();
        }
        TokenPredictor one = new TokenPredictor(bert, OptionalInt.of(mask), 1);
        assertArrayEquals(byHand, one.logits(List.of(new TokenPredictor.Query(TEXT, 2, 4)), Hooks.none())[0], 1e-5f);

        // texts of three lengths, so that batched rows are right-padded
        List<TokenPredictor.Query> queries = new ArrayList<>();
        for (int length : new int[] {8, 5, 6}) {
            int[] text = java.util.Arrays.copyOf(TEXT, length);
            for (int i = 0; i < length; i++) {
                queries.add(TokenPredictor.Query.token(text, i));
            }
        }
        double[] alone = one.logProbs(queries, Hooks.none());
        double[] batched = new TokenPredictor(bert, OptionalInt.of(mask), 7).logProbs(queries, Hooks.none());
        assertArrayEquals(alone, batched, 1e-5);
    }
}
