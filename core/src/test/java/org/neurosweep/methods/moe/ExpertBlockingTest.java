package org.neurosweep.methods.moe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.hook.Captures;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/**
 * docs/methods/moe-attribution.md steps 7–8 on the world model moe_deep (Qwen2-MoE, 6 layers, 8 experts top-2, shared expert):
 * blocking nothing changes nothing, bit for bit; failure-blocking every expert a token selected in a layer leaves
 * exactly the shared expert's output in that layer; rerouting picks other experts; the configurations keep what
 * they name; the ranking and the random control.
 */
class ExpertBlockingTest {

    private static final int LAYER = 3;
    private static CausalLM model;
    private static int[] prompt;
    private static int last;

    @BeforeAll
    static void load() {
        model = CausalLM.load(RepoPaths.world("moe_deep"));
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("moe_deep"))) {
            prompt = tokenizer.encode("The capital of France is");
        }
        last = prompt.length - 1;
    }

    @Test
    void blockingNoExpertLeavesTheLogitsBitIdentical() {
        float[] plain = logits(Hooks.none());
        for (ExpertBlocking.Mode mode : ExpertBlocking.Mode.values()) {
            assertArrayEquals(plain, logits(ExpertBlocking.block(new Hooks(), List.of(), mode)));
        }
        assertArrayEquals(plain, logits(new Hooks().dropExperts(LAYER).rerouteExperts(LAYER)), "empty edits of a layer");
        assertArrayEquals(plain, logits(RoutingConfig.DEFAULT.apply(new Hooks(), model.config())));
    }

    @Test
    void failureOfEverySelectedExpertDropsTheRoutedSum() {
        List<ExpertPair> selected = selected(run(new Hooks()), LAYER);
        Captures blocked = run(ExpertBlocking.block(new Hooks(), selected, ExpertBlocking.Mode.FAILURE));
        INDArray expected = at(blocked, HookNames.residMid(LAYER)).add(at(blocked, HookNames.sharedOut(LAYER)));
        assertTrue(expected.equalsWithEps(at(blocked, HookNames.residPost(LAYER)), 1e-6),
                "h_{l+1} = u_l + shared expert output at t*");
        assertNotEquals(0.0, at(run(new Hooks()), HookNames.residPost(LAYER)).sub(expected).norm2Number().doubleValue(), 1e-3,
                "the routed experts did contribute");
    }

    @Test
    void rerouteSendsTheTokenToOtherExperts() {
        List<ExpertPair> selected = selected(run(new Hooks()), LAYER);
        List<ExpertPair> now = selected(run(ExpertBlocking.block(new Hooks(), selected, ExpertBlocking.Mode.REROUTE)), LAYER);
        assertEquals(selected.size(), now.size());
        assertTrue(now.stream().noneMatch(selected::contains), selected + " -> " + now);
    }

    @Test
    void configurationsKeepWhatTheyName() {
        Captures sharedOnly = run(RoutingConfig.SHARED.apply(new Hooks(), model.config()));
        for (int l = 0; l < model.config().numLayers(); l++) {
            INDArray u = at(sharedOnly, HookNames.residMid(l)).add(at(sharedOnly, HookNames.sharedOut(l)));
            assertTrue(u.equalsWithEps(at(sharedOnly, HookNames.residPost(l)), 1e-6), "layer " + l + ": shared expert only");
        }
        Captures top1 = run(RoutingConfig.TOP1.apply(new Hooks(), model.config()));
        Captures.ExpertRouting r = top1.routing(HookNames.routing(LAYER));
        for (int t = 0; t < prompt.length; t++) {
            assertNotEquals(0.0, r.weights().getDouble(0, t, 0));
            assertEquals(0.0, r.weights().getDouble(0, t, 1), "the second slot is capped");
        }
        assertFalse(top1.has(HookNames.sharedOut(LAYER)), "top1 removes the shared expert");
        assertTrue(RoutingConfig.SHARED_TOP2.needsSharedExpert());
        assertFalse(RoutingConfig.TOP2.needsSharedExpert());
    }

    @Test
    void rankingAndRandomControl() {
        List<int[]> prompts;
        int[] targets;
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("moe_deep"))) {
            prompts = List.of(prompt, tokenizer.encode("The capital of Spain is"), tokenizer.encode("The capital of Japan is"));
            targets = new int[] {tokenizer.encode(" Paris")[0], tokenizer.encode(" Madrid")[0], tokenizer.encode(" Tokyo")[0]};
        }
        List<SampleAttribution> samples = new CrossLevelAttribution(model, 1, 0, 64).attribute(prompts, targets, 3);
        List<ExpertBlocking.RankedPair> ranked = ExpertBlocking.rank(samples);
        assertEquals(3 * model.config().numLayers() * 2, ranked.stream().mapToInt(ExpertBlocking.RankedPair::selections).sum());
        for (int i = 1; i < ranked.size(); i++) {
            assertTrue(ranked.get(i - 1).aggregateLpi() >= ranked.get(i).aggregateLpi());
        }
        ExpertPair best = ranked.get(0).pair();
        double sum = samples.stream().flatMap(s -> s.experts().stream())
                .filter(e -> e.selected() && e.layer() == best.layer() && e.expert() == best.expert())
                .mapToDouble(e -> e.score().lpi()).sum();
        assertEquals(sum, ranked.get(0).aggregateLpi(), 1e-12);
        assertEquals(List.of(best), ExpertBlocking.top(ranked, 1));

        List<ExpertPair> drawn = ExpertBlocking.random(ranked, 5, 7);
        assertEquals(drawn, ExpertBlocking.random(ranked, 5, 7), "seeded");
        assertEquals(5, new HashSet<>(drawn).size());
        assertTrue(ranked.stream().map(ExpertBlocking.RankedPair::pair).toList().containsAll(drawn));
        assertNotEquals(drawn, ExpertBlocking.random(ranked, 5, 8));
        assertEquals(ranked.size(), ExpertBlocking.random(ranked, 1000, 7).size());
    }

    private static List<ExpertPair> selected(Captures c, int layer) {
        Captures.ExpertRouting r = c.routing(HookNames.routing(layer));
        Set<ExpertPair> out = new HashSet<>();
        for (int j = 0; j < r.ids().size(2); j++) {
            out.add(new ExpertPair(layer, r.ids().getInt(0, last, j)));
        }
        return List.copyOf(out);
    }

    private static Captures run(Hooks hooks) {
        for (int l = 0; l < model.config().numLayers(); l++) {
            hooks.captureAt(new int[] {last}, HookNames.residMid(l), HookNames.residPost(l), HookNames.sharedOut(l));
            hooks.capture(HookNames.routing(l));
        }
        try (Forward f = model.forward(Batch.of(prompt), hooks, null)) {
            return f.captures();
        }
    }

    private static INDArray at(Captures c, String hook) {
        return c.get(hook).reshape(c.get(hook).length());
    }

    private static float[] logits(Hooks hooks) {
        try (Forward f = model.forward(Batch.of(prompt), hooks, null)) {
            INDArray all = f.logits().value();                                     // (1, t, vocab)
            return all.reshape(all.length()).toFloatVector();
        }
    }
}
