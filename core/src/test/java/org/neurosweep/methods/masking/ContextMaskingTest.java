package org.neurosweep.methods.masking;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.methods.icl.EncodedPrompt;
import org.neurosweep.methods.icl.NextToken;
import org.neurosweep.methods.icl.NextTokenScorer;
import org.neurosweep.methods.icl.TargetTally;
import org.neurosweep.methods.icl.Target;
import org.neurosweep.methods.icl.TaskPart;
import org.neurosweep.methods.icl.TokenText;
import org.neurosweep.methods.icl.WorldPrompts;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Context masking, docs/methods/internal-cot.md §4, and its checks in §9, on the world models. */
class ContextMaskingTest {

    private static final int PROMPTS = 12;

    @Test
    void maskingNothingChangesNothing() {
        CausalLM model = CausalLM.load(RepoPaths.world("moe_deep"));
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("moe_deep"))) {
            int[] ids = WorldPrompts.encoded(tokenizer, "capital_to_language", TaskPart.COMPOSITE, 3, 1, 0).get(0).icl();
            Batch batch = Batch.of(ids).logitsAt(LogitsAt.all());
            INDArray empty = ContextMask.spans(new int[] {4}, new int[] {4}, ids.length);
            try (Forward plain = model.forward(batch);
                 Forward masked = model.forward(batch, ContextMask.fromLayer(empty, 0, model.config().numLayers()), null)) {
                assertEquals(plain.logits().value(), masked.logits().value(), "an empty span adds only zeros to the scores");
            }
        }
    }

    @Test
    void maskingFromLayerLReproducesFewShotAndFromLayer0TheZeroShotRun() {
        CausalLM model = CausalLM.load(RepoPaths.world("dense"));
        int layers = model.config().numLayers();
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("dense"))) {
            List<EncodedPrompt> prompts = WorldPrompts.encoded(tokenizer, "capital_to_continent", TaskPart.COMPOSITE, 5, PROMPTS, 1);
            NextTokenScorer scorer = new NextTokenScorer(model, 1, 5);
            TokenText text = new TokenText(tokenizer);
            List<ContextMasking.LayerResult> sweep = ContextMasking.sweep(scorer, prompts, text, new int[] {0, 3, layers});

            List<int[]> targets = prompts.stream().map(EncodedPrompt::targetIds).toList();
            TargetTally fewShot = tally(text, targets, scorer.score(prompts.stream().map(EncodedPrompt::icl).toList(), targets));
            TargetTally zeroShot = tally(text, targets, scorer.score(prompts.stream().map(EncodedPrompt::zeroShot).toList(), targets));
            TargetTally none = sweep.get(2).tally();
            TargetTally all = sweep.get(0).tally();
            assertEquals(layers, sweep.get(2).layerFrom());
            for (Target t : List.of(Target.YT, Target.T1)) {
                assertEquals(fewShot.accuracy(t), none.accuracy(t), "ℓ = L is the unmasked few-shot run");
                assertEquals(fewShot.meanReciprocalRank(t), none.meanReciprocalRank(t), 1e-12);
                // RoPE scores depend on relative positions only: with no BOS and every demonstration key masked at every
                // layer, the query block computes exactly what the zero-shot prompt does
                assertEquals(zeroShot.accuracy(t), all.accuracy(t), "ℓ = 0 is the zero-shot run");
                assertEquals(zeroShot.meanReciprocalRank(t), all.meanReciprocalRank(t), 1e-6);
            }
            assertEquals(PROMPTS, none.prompts());
            assertTrue(Double.isNaN(none.accuracy(Target.T2)), "no t2 in the world corpus");
        }
    }

    @Test
    void maskedRowsMatchTheZeroShotLogits() {
        CausalLM model = CausalLM.load(RepoPaths.world("moe_shallow"));
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("moe_shallow"))) {
            EncodedPrompt p = WorldPrompts.encoded(tokenizer, "neighbor_continent", TaskPart.COMPOSITE, 4, 1, 2).get(0);
            INDArray mask = ContextMask.spans(new int[] {p.demoStart()}, new int[] {p.demoEnd()}, p.icl().length);
            float[] masked;
            float[] zero;
            try (Forward f = model.forward(Batch.of(p.icl()).logitsAt(LogitsAt.last()),
                    ContextMask.fromLayer(mask, 0, model.config().numLayers()), null)) {
                masked = f.logits().value().reshape(-1).toFloatVector();
            }
            try (Forward f = model.forward(Batch.of(p.zeroShot()).logitsAt(LogitsAt.last()))) {
                zero = f.logits().value().reshape(-1).toFloatVector();
            }
            for (int v = 0; v < zero.length; v++) {
                assertEquals(zero[v], masked[v], 2e-4 * (1 + Math.abs(zero[v])), "vocab entry " + v);
            }
            assertArrayEquals(new int[] {NextToken.of(zero, new int[0]).predicted()},
                    new int[] {NextToken.of(masked, new int[0]).predicted()});
        }
    }

    private static TargetTally tally(TokenText text, List<int[]> targets, List<NextToken> predictions) {
        TargetTally t = new TargetTally(text);
        for (int i = 0; i < targets.size(); i++) {
            t.add(targets.get(i), predictions.get(i));
        }
        return t;
    }
}
