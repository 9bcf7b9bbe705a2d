package org.neurosweep.methods.moe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.hook.Captures;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.icl.PromptBatch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/**
 * Step 9's causal checks on moe_deep: forcing the clean routing without inhibition reproduces the clean logits;
 * with no head inhibited the three conditions agree; inhibiting the top heads moves the router mass.
 */
class HeadInhibitionTest {

    @Test
    void forcedCleanRoutingReproducesTheCleanForwardAndInhibitionMovesTheRouter() {
        CausalLM model = CausalLM.load(RepoPaths.world("moe_deep"));
        List<int[]> prompts;
        List<int[]> targets;
        try (Tokenizer t = Tokenizer.load(RepoPaths.world("moe_deep"))) {
            prompts = List.of(t.encode("The capital of France is"), t.encode("Japan is located in"),
                    t.encode("The capital of Spain is"));
            targets = List.of(new int[] {t.encode(" Paris")[0]}, new int[] {t.encode(" Asia")[0]},
                    new int[] {t.encode(" Madrid")[0]});
        }
        // the spec's invariant, on logits: forced original routing and no inhibition = the clean forward
        PromptBatch batch = PromptBatch.leftPadded(prompts, 1);
        Hooks capture = new Hooks();
        for (int l = 0; l < model.config().numLayers(); l++) {
            capture.capture(HookNames.routing(l));
        }
        float[] clean;
        Captures c;
        try (Forward f = model.forward(batch.batch(), capture, null)) {
            clean = flat(f.logits().value());
            c = f.captures();
        }
        Hooks forced = new Hooks();
        for (int l = 0; l < model.config().numLayers(); l++) {
            Captures.ExpertRouting r = c.routing(HookNames.routing(l));
            forced.forceRouting(l, r.ids(), r.weights());
        }
        try (Forward f = model.forward(batch.batch(), forced, null)) {
            float[] again = flat(f.logits().value());
            for (int i = 0; i < clean.length; i++) {
                assertEquals(clean[i], again[i], 1e-5f, "logit " + i);
            }
        }

        HeadInhibition inhibition = new HeadInhibition(model, 1, 2);
        HeadInhibition.Result none = inhibition.run(prompts, targets, List.of());
        for (int i = 0; i < prompts.size(); i++) {
            assertArrayEquals(none.clean().get(i).ranks(), none.inhibited().get(i).ranks(), "nothing inhibited");
            assertArrayEquals(none.clean().get(i).ranks(), none.forced().get(i).ranks(), "the clean routing forced");
            assertEquals(none.clean().get(i).predicted(), none.forced().get(i).predicted());
        }
        int[] ids = targets.stream().mapToInt(t -> t[0]).toArray();
        List<SampleAttribution> samples = new CrossLevelAttribution(model, 1, 0, 64).attribute(prompts, ids, 3);
        List<HeadInhibition.Head> top = HeadInhibition.topHeads(samples, 4);
        assertEquals(4, top.size());
        double best = samples.stream().flatMap(s -> s.heads().stream())
                .filter(h -> h.layer() == top.get(0).layer() && h.head() == top.get(0).head())
                .mapToDouble(h -> h.score().lpi()).sum();
        double second = samples.stream().flatMap(s -> s.heads().stream())
                .filter(h -> h.layer() == top.get(1).layer() && h.head() == top.get(1).head())
                .mapToDouble(h -> h.score().lpi()).sum();
        assertTrue(best >= second);
        HeadInhibition.Result r = inhibition.run(prompts, targets, top);
        assertTrue(r.massClean() > 0 && r.massClean() <= 1, "top-2 probability mass " + r.massClean());
        assertNotEquals(r.massClean(), r.massInhibited(), 1e-6, "zeroing heads moves the routers");
    }

    private static float[] flat(INDArray a) {
        return a.reshape(a.length()).toFloatVector();
    }
}
