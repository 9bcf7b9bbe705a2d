package org.neurosweep.methods.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.neurosweep.data.PrivateRecord;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.icl.NextToken;
import org.neurosweep.methods.neurons.NeuronEditor;
import org.neurosweep.methods.neurons.NeuronId;
import org.neurosweep.methods.neurons.PrivacyAttribution.PrivateTokens;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.model.generate.TokenPredictor;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/** Name MRR on the world dense model, by hand: the rank of each name word's first token at the position before it. */
class MemorizationRiskTest {

    @Test
    void nameMrrAveragesTheReciprocalRanksOfEachWordsFirstToken() {
        CausalLM dense = CausalLM.load(RepoPaths.world("dense"));
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("dense").resolve("tokenizer.json"))) {
            PrivateRecord r = new PrivateRecord("n", "NAME", "The phone number 933633 belongs to ", "Chloe Weber", null);
            PrivateTokens t = PrivateTokens.of(r, tokenizer);
            // the word starts: the secret's first token, and the first later token whose text begins with a space
            int second = t.from() + 1;
            while (!tokenizer.decode(new int[] {t.ids()[second]}).startsWith(" ")) {
                second++;
            }
            float[][] logits;
            try (Forward f = dense.forward(Batch.of(Arrays.copyOf(t.ids(), t.to())).logitsAt(LogitsAt.all()))) {
                logits = f.logits().value().reshape(t.to(), -1).toFloatMatrix();
            }
            double expected = (1.0 / NextToken.rank(logits[t.from() - 1], t.ids()[t.from()])
                    + 1.0 / NextToken.rank(logits[second - 1], t.ids()[second])) / 2;
            MemorizationRisk risk = new MemorizationRisk(TokenPredictor.of(dense, tokenizer, 4), tokenizer);
            double mrr = risk.nameMrr(t, Hooks.none());
            assertEquals(expected, mrr, 1e-12);
            assertTrue(mrr > 0 && mrr <= 1);
            double edited = risk.nameMrr(t, NeuronEditor.zeroing(dense.config(),
                    IntStream.range(0, 384).mapToObj(k -> new NeuronId(5, -1, k)).toList()));
            assertTrue(edited != mrr, "an edit that removes the last FFN changes the ranks");
        }
    }

    @Test
    void eachKindHasItsMetricAndCutOff() {
        MemorizationRisk.Thresholds th = new MemorizationRisk.Thresholds(10, 0.4, 2.5);
        assertEquals(MemorizationRisk.Metric.EXPOSURE, MemorizationRisk.Metric.of("tel"));
        assertEquals(MemorizationRisk.Metric.MRR, MemorizationRisk.Metric.of("NAME"));
        assertEquals(MemorizationRisk.Metric.PPPL, MemorizationRisk.Metric.of("RANDOM"));
        assertTrue(th.memorized(MemorizationRisk.Metric.EXPOSURE, 10.5));
        assertFalse(th.memorized(MemorizationRisk.Metric.EXPOSURE, 10));
        assertTrue(th.memorized(MemorizationRisk.Metric.MRR, 0.5));
        assertTrue(th.memorized(MemorizationRisk.Metric.PPPL, 2.0));
        assertFalse(th.memorized(MemorizationRisk.Metric.PPPL, 2.5));
    }
}
