package org.neurosweep.hook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.autograd.Tape;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.testutil.RepoPaths;

/** Hook points on the golden models: capture shapes, interventions that must and must not change the output. */
class HooksTest {
    private static final Map<String, CausalLM> MODELS = new ConcurrentHashMap<>();
    private static final int[][] PROMPTS = {{5, 17, 300, 41, 9, 77, 12}, {8, 250, 3, 99, 64, 2, 410}};

    private static CausalLM model(String family) {
        return MODELS.computeIfAbsent(family, f -> CausalLM.load(RepoPaths.golden(f)));
    }

    private record Run(INDArray logits, Captures captures) {
    }

    private static Run run(CausalLM model, Hooks hooks, int[]... prompts) {
        try (Forward f = model.forward(Batch.of(prompts), hooks, null)) {
            return new Run(f.logits().value().detach(), f.captures());
        }
    }

    @Test
    void denseCaptureShapes() {
        CausalLM llama = model("llama");
        ModelConfig c = llama.config();
        Hooks hooks = new Hooks().capture(llama.hookNames().toArray(new String[0]));
        Captures cap = run(llama, hooks, PROMPTS).captures();
        long b = 2;
        long t = 7;
        long d = c.hiddenSize();
        for (String name : new String[] {HookNames.EMBED, HookNames.residPre(1), HookNames.residMid(1),
            HookNames.residPost(2), HookNames.attnOut(0), HookNames.mlpOut(2), HookNames.FINAL_NORM,
            HookNames.layer(1).attnIn, HookNames.layer(2).mlpIn}) {
            assertArrayEquals(new long[] {b, t, d}, cap.get(name).shape(), name);
        }
        assertArrayEquals(new long[] {b, 4, t, 16}, cap.get(HookNames.attnQ(0)).shape());
        assertArrayEquals(new long[] {b, 2, t, 16}, cap.get(HookNames.attnK(0)).shape());
        assertArrayEquals(new long[] {b, 2, t, 16}, cap.get(HookNames.attnV(0)).shape());
        assertArrayEquals(new long[] {b, 4, t, t}, cap.get(HookNames.attnScores(1)).shape());
        assertArrayEquals(new long[] {b, 4, t, t}, cap.get(HookNames.attnPattern(1)).shape());
        assertArrayEquals(new long[] {b, t, 4, 16}, cap.get(HookNames.attnHeadOut(1)).shape());
        // attn_in is the input of v_proj (v has no RoPE): v = attn_in · W_vᵀ, split by kv head
        INDArray v = cap.get(HookNames.layer(1).attnIn).reshape(b * t, d)
                .mmul(llama.parameters().get("model.layers.1.self_attn.v_proj.weight").value());
        INDArray captured = cap.get(HookNames.attnV(1)).permute(0, 2, 1, 3).dup('c').reshape(b * t, 2 * 16);
        assertTrue(v.equalsWithEps(captured, 1e-5), "v = attn_in · W_v");
        assertArrayEquals(new long[] {b, t, 128}, cap.get(HookNames.mlpPre(1)).shape());
        assertArrayEquals(new long[] {b, t, 128}, cap.get(HookNames.mlpPost(1)).shape());
        assertArrayEquals(new long[] {b, t, c.vocabSize()}, cap.get(HookNames.LOGITS).shape());
        // resid_mid = resid_pre + attn_out; resid_post = resid_mid + mlp_out; the next resid_pre = resid_post
        INDArray mid = cap.get(HookNames.residPre(1)).add(cap.get(HookNames.attnOut(1)));
        assertTrue(mid.equalsWithEps(cap.get(HookNames.residMid(1)), 1e-6));
        assertEquals(cap.get(HookNames.residPost(0)), cap.get(HookNames.residPre(1)));
        // causal pattern rows sum to one
        INDArray rowSums = cap.get(HookNames.attnPattern(0)).sum(3);
        assertTrue(rowSums.equalsWithEps(Nd4j.ones(DataType.FLOAT, b, 4, t), 1e-5));
    }

    @Test
    void captureAtPositionsKeepsThoseColumns() {
        CausalLM llama = model("llama");
        String resid = HookNames.residPost(1);
        String pattern = HookNames.attnPattern(1);
        Captures all = run(llama, new Hooks().capture(resid, pattern), PROMPTS).captures();
        Captures some = run(llama, new Hooks().captureAt(new int[] {5, 2}, resid, pattern), PROMPTS).captures();
        assertArrayEquals(new int[] {5, 2}, some.positions(resid));
        assertEquals(all.get(resid).get(NDArrayIndex.all(), NDArrayIndex.indices(5, 2), NDArrayIndex.all()), some.get(resid));
        assertEquals(all.get(pattern).get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.indices(5, 2),
                NDArrayIndex.all()), some.get(pattern));
    }

    @Test
    void replacingWithTheCapturedValueChangesNothing() {
        CausalLM llama = model("llama");
        String post = HookNames.mlpPost(1);
        Run base = run(llama, new Hooks().capture(post), PROMPTS);
        Run replaced = run(llama, new Hooks().replace(post, Select.all(), base.captures().get(post)), PROMPTS);
        assertEquals(base.logits(), replaced.logits());
    }

    @Test
    void zeroingAHeadZeroesItsSliceAndChangesTheOutput() {
        CausalLM llama = model("llama");
        String headOut = HookNames.attnHeadOut(1);
        Run base = run(llama, Hooks.none(), PROMPTS);
        Run zeroed = run(llama, new Hooks().zeroHeads(1, 2).capture(headOut), PROMPTS);
        INDArray head2 = zeroed.captures().get(headOut).get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(2));
        assertEquals(0.0, head2.amaxNumber().doubleValue());
        assertTrue(zeroed.captures().get(headOut).amaxNumber().doubleValue() > 0);
        assertFalse(base.logits().equalsWithEps(zeroed.logits(), 1e-4));
    }

    @Test
    void scaleAndAddActOnTheSelectedEntriesOnly() {
        CausalLM llama = model("llama");
        String pre = HookNames.residPre(2);
        INDArray base = run(llama, new Hooks().capture(pre), PROMPTS).captures().get(pre);
        Select where = Select.at(3).features(0, 5).rows(1);
        INDArray scaled = run(llama, new Hooks().scale(pre, where, 3.0).capture(pre), PROMPTS).captures().get(pre);
        INDArray diff = scaled.sub(base);
        assertEquals(2 * base.getDouble(1, 3, 5), diff.getDouble(1, 3, 5), 1e-5);
        assertEquals(0.0, diff.getDouble(0, 3, 5));
        assertEquals(0.0, diff.getDouble(1, 2, 5));
        assertEquals(0.0, diff.getDouble(1, 3, 4));
        INDArray added = run(llama, new Hooks().add(pre, Select.at(4), Nd4j.ones(DataType.FLOAT, 64)).capture(pre),
                PROMPTS).captures().get(pre);
        assertEquals(2 * 64.0, added.sub(base).sumNumber().doubleValue(), 1e-3, "one added to 64 features of 2 rows");
    }

    @Test
    void patchingTheLastResidualReproducesTheDonorsLogits() {
        CausalLM llama = model("llama");
        int last = llama.config().numLayers() - 1;
        String resid = HookNames.residPost(last);
        Run donor = run(llama, new Hooks().capture(resid), PROMPTS[1]);
        INDArray vector = donor.captures().get(resid).get(NDArrayIndex.point(0), NDArrayIndex.point(4), NDArrayIndex.all());
        Run base = run(llama, Hooks.none(), PROMPTS[0]);
        Run patched = run(llama, new Hooks().patchResidual(last, 4, vector), PROMPTS[0]);
        INDArray got = patched.logits().get(NDArrayIndex.point(0), NDArrayIndex.point(4), NDArrayIndex.all());
        INDArray want = donor.logits().get(NDArrayIndex.point(0), NDArrayIndex.point(4), NDArrayIndex.all());
        assertTrue(got.equalsWithEps(want, 1e-5));
        // earlier positions never see position 4 (causal), later ones do not either at the last layer
        assertEquals(base.logits().get(NDArrayIndex.point(0), NDArrayIndex.interval(0, 4), NDArrayIndex.all()),
                patched.logits().get(NDArrayIndex.point(0), NDArrayIndex.interval(0, 4), NDArrayIndex.all()));
        // patched at layer 0, the positions after 4 change too
        Run early = run(llama, new Hooks().patchResidual(0, 4, vector), PROMPTS[0]);
        assertFalse(base.logits().get(NDArrayIndex.point(0), NDArrayIndex.point(6), NDArrayIndex.all())
                .equalsWithEps(early.logits().get(NDArrayIndex.point(0), NDArrayIndex.point(6), NDArrayIndex.all()), 1e-5));
    }

    @Test
    void fullyMaskedAttentionRowGivesZerosNotNaN() {
        CausalLM llama = model("llama");
        INDArray mask = Nd4j.zeros(DataType.FLOAT, 1, 1, 7, 7);
        mask.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(3), NDArrayIndex.all())
                .assign(Double.NEGATIVE_INFINITY);
        mask.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(4, 7), NDArrayIndex.interval(0, 2))
                .assign(Double.NEGATIVE_INFINITY);
        String pattern = HookNames.attnPattern(0);
        Run masked = run(llama, new Hooks().maskAttention(0, mask).capture(pattern, HookNames.attnHeadOut(0)), PROMPTS);
        INDArray p = masked.captures().get(pattern);
        assertEquals(0.0, p.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(3)).amaxNumber().doubleValue());
        assertEquals(0.0, masked.captures().get(HookNames.attnHeadOut(0)).get(NDArrayIndex.all(), NDArrayIndex.point(3))
                .amaxNumber().doubleValue());
        assertEquals(0.0, p.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(4, 7),
                NDArrayIndex.interval(0, 2)).amaxNumber().doubleValue(), "context masking removes the first keys");
        assertTrue(p.sum(3).get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(5))
                .equalsWithEps(Nd4j.ones(DataType.FLOAT, 2, 4), 1e-5));
        assertFalse(masked.logits().isNaN().any(), "no NaN anywhere");
    }

    @Test
    void moeCaptureShapesAddUpToTheSublayerOutput() {
        CausalLM moe = model("qwen2_moe");
        int l = 1;
        Hooks hooks = new Hooks().capture(moe.hookNames().stream().filter(n -> n.startsWith("blocks." + l + "."))
                .toArray(String[]::new));
        Captures cap = run(moe, hooks, PROMPTS).captures();
        assertArrayEquals(new long[] {2, 7, 8}, cap.get(HookNames.routerLogits(l)).shape());
        Captures.ExpertRouting routing = cap.routing(HookNames.routing(l));
        assertArrayEquals(new long[] {2, 7, 2}, routing.ids().shape());
        assertArrayEquals(new long[] {2, 7, 1}, cap.get(HookNames.sharedGate(l)).shape());
        assertArrayEquals(new long[] {2, 7, 64}, cap.get(HookNames.sharedPost(l)).shape());
        INDArray sum = cap.get(HookNames.sharedOut(l)).dup().reshape(14, 64);
        int routedRows = 0;
        for (int e = 0; e < 8; e++) {
            String out = HookNames.expertOut(l, e);
            if (!cap.has(out)) {
                continue;
            }
            int[] tokens = cap.routedTokens(out);
            routedRows += tokens.length;
            assertArrayEquals(new long[] {tokens.length, 32}, cap.get(HookNames.expertPost(l, e)).shape());
            for (int i = 0; i < tokens.length; i++) {
                sum.getRow(tokens[i]).addi(cap.get(out).getRow(i));
                assertTrue(contains(routing.ids().reshape(14, 2).getRow(tokens[i]).toIntVector(), e));
            }
        }
        assertEquals(14 * 2, routedRows, "every token reaches top-k = 2 experts");
        assertTrue(sum.reshape(2, 7, 64).equalsWithEps(cap.get(HookNames.mlpOut(l)), 1e-5));
    }

    @Test
    void expertBlockingChangesTheOutputAndForcedRoutingRestoresIt() {
        CausalLM moe = model("qwen2_moe");
        String routingName = HookNames.routing(0);
        Run base = run(moe, new Hooks().capture(routingName), PROMPTS);
        Captures.ExpertRouting routing = base.captures().routing(routingName);
        int expert = routing.ids().getInt(0, 0, 0);

        Run dropped = run(moe, new Hooks().dropExperts(0, expert).capture(routingName), PROMPTS);
        assertFalse(base.logits().equalsWithEps(dropped.logits(), 1e-4));
        Captures.ExpertRouting after = dropped.captures().routing(routingName);
        assertEquals(routing.ids(), after.ids(), "drop keeps the selection");
        assertEquals(0.0, after.weights().getDouble(0, 0, 0));
        assertEquals(routing.weights().getDouble(0, 0, 1), after.weights().getDouble(0, 0, 1), "no renormalisation");

        Run rerouted = run(moe, new Hooks().rerouteExperts(0, expert).capture(routingName), PROMPTS);
        assertFalse(contains(Nd4j.toFlattened(rerouted.captures().routing(routingName).ids()).toIntVector(), expert));

        Run forced = run(moe, new Hooks().dropExperts(0, expert).forceRouting(0, routing.ids(), routing.weights())
                .capTopK(0, 2), PROMPTS);
        assertFalse(forced.logits().equalsWithEps(base.logits(), 1e-4), "drop applies after forcing");
        Run restored = run(moe, new Hooks().forceRouting(0, routing.ids(), routing.weights()), PROMPTS);
        assertTrue(restored.logits().equalsWithEps(base.logits(), 1e-5));

        Run capped = run(moe, new Hooks().capTopK(0, 1).capture(routingName), PROMPTS);
        assertEquals(0.0, capped.captures().routing(routingName).weights()
                .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(1)).amaxNumber().doubleValue());
    }

    @Test
    void removingTheSharedExpertLeavesOnlyRoutedExperts() {
        CausalLM moe = model("qwen2_moe");
        String shared = HookNames.sharedOut(2);
        Run base = run(moe, Hooks.none(), PROMPTS);
        Run removed = run(moe, new Hooks().removeSharedExpert(2).capture(shared, HookNames.mlpOut(2)), PROMPTS);
        assertFalse(removed.captures().has(shared), "the shared expert does not run");
        assertFalse(base.logits().equalsWithEps(removed.logits(), 1e-4));
    }

    @Test
    void gradientAtAWatchedHookMatchesFiniteDifferences() {
        CausalLM llama = model("llama");
        String post = HookNames.mlpPost(1);
        int pos = 6;
        int neuron = 17;
        int target = 42;
        INDArray grad;
        try (Tape tape = Tape.record(); Forward f = llama.forward(Batch.of(PROMPTS[0]), new Hooks().watch(post), null)) {
            INDArray seed = Nd4j.zeros(DataType.FLOAT, f.logits().shape());
            seed.putScalar(new long[] {0, pos, target}, 1.0);
            tape.backward(f.logits(), seed);
            grad = f.watched(post).grad();                       // a watched gradient lives outside the workspace
        }
        double eps = 1e-2;
        double plus = logitWithDelta(llama, post, pos, neuron, eps, target);
        double minus = logitWithDelta(llama, post, pos, neuron, -eps, target);
        double numeric = (plus - minus) / (2 * eps);
        assertEquals(numeric, grad.getDouble(0, pos, neuron), 1e-2 * Math.max(1, Math.abs(numeric)));
        assertNotEquals(0.0, grad.get(NDArrayIndex.all(), NDArrayIndex.point(pos), NDArrayIndex.all()).amaxNumber().doubleValue());
    }

    @Test
    void unknownHookNamesAndCaptureOnlyRoutingAreRejected() {
        CausalLM llama = model("llama");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(llama, new Hooks().capture("blocks.9.resid_post"), PROMPTS));
        assertTrue(e.getMessage().contains("blocks.9.resid_post"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> run(llama, new Hooks().capture(HookNames.routerLogits(0)), PROMPTS), "a dense model has no router");
        assertThrows(IllegalArgumentException.class, () -> new Hooks().zero(HookNames.routing(0), Select.all()));
    }

    private static double logitWithDelta(CausalLM model, String name, int pos, int neuron, double delta, int target) {
        INDArray d = Nd4j.zeros(DataType.FLOAT, 128);
        d.putScalar(neuron, delta);
        INDArray logits = run(model, new Hooks().add(name, Select.at(pos), d), PROMPTS[0]).logits();
        return logits.getDouble(0, pos, target);
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
