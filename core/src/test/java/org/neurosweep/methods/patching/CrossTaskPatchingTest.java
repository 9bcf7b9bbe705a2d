package org.neurosweep.methods.patching;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.methods.icl.EncodedPrompt;
import org.neurosweep.methods.icl.NextToken;
import org.neurosweep.methods.icl.NextTokenScorer;
import org.neurosweep.methods.icl.TargetTally;
import org.neurosweep.methods.icl.Target;
import org.neurosweep.methods.icl.TaskPart;
import org.neurosweep.methods.icl.TokenText;
import org.neurosweep.methods.icl.WorldPrompts;
import org.neurosweep.model.CausalLM;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cross-task patching, docs/methods/internal-cot.md §6, and its check in §9. */
class CrossTaskPatchingTest {

    @Test
    void patchingEachPromptsOwnFewShotResidualAtTheLastLayerGivesStrengthOne() {
        CausalLM model = CausalLM.load(RepoPaths.world("dense"));
        int last = model.config().numLayers() - 1;
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("dense"))) {
            List<EncodedPrompt> prompts = WorldPrompts.encoded(tokenizer, "capital_to_language", TaskPart.S2, 5, 16, 0);
            List<int[]> icl = prompts.stream().map(EncodedPrompt::icl).toList();
            List<int[]> zero = prompts.stream().map(EncodedPrompt::zeroShot).toList();
            List<int[]> targets = prompts.stream().map(EncodedPrompt::targetIds).toList();
            NextTokenScorer scorer = new NextTokenScorer(model, 1, 6);
            TokenText text = new TokenText(tokenizer);

            INDArray residuals = TaskVectors.lastResiduals(model, icl, 1, 6); // (n, L, d)
            List<NextToken> fewShot = scorer.score(icl, targets);
            List<NextToken> zeroShot = scorer.score(zero, targets);
            INDArray own = residuals.get(NDArrayIndex.all(), NDArrayIndex.point(last), NDArrayIndex.all()); // (n, d)
            List<NextToken> patched = ResidualPatching.patched(scorer, zero, targets, last, own);
            for (int i = 0; i < prompts.size(); i++) {
                assertEquals(fewShot.get(i).predicted(), patched.get(i).predicted(), "prompt " + i);
                assertEquals(fewShot.get(i).ranks()[0], patched.get(i).ranks()[0], "prompt " + i);
            }
            double accIcl = tally(text, targets, fewShot).accuracy(Target.YT);
            double acc0 = tally(text, targets, zeroShot).accuracy(Target.YT);
            assertNotEquals(accIcl, acc0, "the demonstrations must matter for the property to say anything");
            assertEquals(1.0, ResidualPatching.strength(tally(text, targets, patched).accuracy(Target.YT), acc0, accIcl));
        }
    }

    @Test
    void aTaskVectorIsTheMeanOfTheLastResiduals() {
        CausalLM model = CausalLM.load(RepoPaths.world("moe_deep"));
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("moe_deep"))) {
            List<int[]> icl = WorldPrompts.encoded(tokenizer, "capital_to_language", TaskPart.COMPOSITE, 3, 5, 0).stream()
                    .map(EncodedPrompt::icl).toList();
            INDArray batched = TaskVectors.lastResiduals(model, icl, 1, 2);
            INDArray theta = TaskVectors.mean(batched);
            assertEquals(model.config().numLayers(), theta.size(0));
            INDArray sum = null;
            for (int[] p : icl) {
                INDArray one = TaskVectors.lastResiduals(model, List.of(p), 1, 1).get(NDArrayIndex.point(0));
                sum = sum == null ? one.dup() : sum.addi(one);
            }
            assertTrue(theta.equalsWithEps(sum.divi(icl.size()), 1e-4), "left padding does not change the residuals");
        }
    }

    @Test
    void strengthIsNormalisedBetweenZeroShotAndFewShot() {
        assertEquals(0.5, ResidualPatching.strength(0.4, 0.2, 0.6), 1e-12);
        assertEquals(0.0, ResidualPatching.strength(0.2, 0.2, 0.6));
        assertEquals(1.0, ResidualPatching.strength(0.6, 0.2, 0.6));
        assertTrue(Double.isNaN(ResidualPatching.strength(0.3, 0.5, 0.5)));
    }

    private static TargetTally tally(TokenText text, List<int[]> targets, List<NextToken> predictions) {
        TargetTally t = new TargetTally(text);
        for (int i = 0; i < targets.size(); i++) {
            t.add(targets.get(i), predictions.get(i));
        }
        return t;
    }
}
