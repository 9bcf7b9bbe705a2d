package org.neurosweep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.hook.Captures;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.hook.Select;

/**
 * A sparse MoE layer runs its experts either side by side and weighs their outputs all at once after stacking (no
 * hook on {@code expert.out}, ExpertLanes) or expert by expert (a hook there): the logits agree, also with BLAS on one
 * thread (one lane); a hook that scales one expert's weighted output by 1 changes nothing.
 */
class MoeCombineTest {

    @ParameterizedTest
    @ValueSource(strings = {"mixtral", "olmoe", "qwen2_moe"})
    void stackedAndPerExpertWeighingAgree(String family) {
        CausalLM model = GoldenModels.load(family);
        Batch batch = Batch.of(new int[][] {GoldenModels.tokens(11, model.config().vocabSize(), 8)});
        INDArray stacked = GoldenModels.logits(model, batch);
        int layer = firstSparseLayer(model.config());
        Hooks capture = Hooks.none();
        Hooks byOne = Hooks.none();
        Hooks byTwo = Hooks.none();
        for (int e = 0; e < model.config().moe().numExperts(); e++) {
            String out = HookNames.layer(layer).expertOut(e);
            capture = capture.capture(out);
            byOne = byOne.scale(out, Select.all(), 1.0);
            byTwo = byTwo.scale(out, Select.all(), 2.0);
        }
        int blasThreads = Nd4j.factory().blas().getMaxThreads();
        assertTrue(blasThreads > 1, "BLAS has several threads, so the experts run on several lanes");
        Nd4j.factory().blas().setMaxThreads(1);
        INDArray oneLane;
        try {
            oneLane = GoldenModels.logits(model, batch);
        } finally {
            Nd4j.factory().blas().setMaxThreads(blasThreads);
        }
        assertTrue(GoldenModels.relError(oneLane, stacked) < 1e-6, family + ": one lane vs several");
        double err = GoldenModels.relError(GoldenModels.logits(model, batch, capture), stacked);
        assertTrue(err < 1e-6, family + ": per-expert vs stacked weighing, relative error " + err);
        assertTrue(GoldenModels.relError(GoldenModels.logits(model, batch, byOne), stacked) < 1e-6,
                family + ": scaling every expert's output by 1");
        assertTrue(GoldenModels.relError(GoldenModels.logits(model, batch, byTwo), stacked) > 1e-6,
                family + ": the hook is applied");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mixtral", "olmoe", "qwen2_moe"})
    void aDroppedExpertLeavesTheSameSumOnBothPaths(String family) {
        CausalLM model = GoldenModels.load(family);
        Batch batch = Batch.of(new int[][] {GoldenModels.tokens(11, model.config().vocabSize(), 8)});
        int layer = firstSparseLayer(model.config());
        Hooks drop = Hooks.none().dropExperts(layer, 0, 1);
        Hooks dropAndCapture = Hooks.none().dropExperts(layer, 0, 1);
        for (int e = 0; e < model.config().moe().numExperts(); e++) {
            dropAndCapture = dropAndCapture.capture(HookNames.layer(layer).expertOut(e));
        }
        INDArray lanes = GoldenModels.logits(model, batch, drop);
        double err = GoldenModels.relError(lanes, GoldenModels.logits(model, batch, dropAndCapture));
        assertTrue(err < 1e-6, family + ": dropped experts, stacked vs per-expert path, relative error " + err);
        assertTrue(GoldenModels.relError(lanes, GoldenModels.logits(model, batch)) > 1e-6,
                family + ": dropping experts 0 and 1 changes the logits");
    }

    // captures of the experts' neurons and outputs at some positions (what moe-attribution asks at t*) keep the
    // stacked path: the logits are bit for bit those of a forward without hooks, and the captured rows are those of
    // the per-expert path (forced here by one capture at every position)
    @ParameterizedTest
    @ValueSource(strings = {"mixtral", "olmoe", "qwen2_moe"})
    void capturesAtPositionsKeepTheStackedPathAndCaptureThePerExpertRows(String family) {
        CausalLM model = GoldenModels.load(family);
        int vocab = model.config().vocabSize();
        Batch batch = Batch.of(new int[][] {GoldenModels.tokens(11, vocab, 8), GoldenModels.tokens(11, vocab, 9)});
        int layer = firstSparseLayer(model.config());
        HookNames.Layer n = HookNames.layer(layer);
        int[] at = {10, 4};
        Hooks positions = Hooks.none();
        Hooks perExpert = Hooks.none().capture(n.expertPre(0));
        for (int e = 0; e < model.config().moe().numExperts(); e++) {
            positions = positions.captureAt(at, n.expertPost(e), n.expertOut(e));
            perExpert = perExpert.captureAt(at, n.expertPost(e), n.expertOut(e));
        }
        Captures fast;
        INDArray fastLogits;
        try (Forward f = model.forward(batch, positions, null)) {
            fast = f.captures();
            fastLogits = f.logits().value().detach();
        }
        assertEquals(0.0, GoldenModels.relError(fastLogits, GoldenModels.logits(model, batch)), family + ": stacked path");
        Captures slow;
        try (Forward f = model.forward(batch, perExpert, null)) {
            slow = f.captures();
        }
        int rows = 0;
        for (int e = 0; e < model.config().moe().numExperts(); e++) {
            for (String name : new String[] {n.expertPost(e), n.expertOut(e)}) {
                if (!slow.has(name) || slow.routedTokens(name).length == 0) {
                    assertTrue(!fast.has(name) || fast.routedTokens(name).length == 0, family + " " + name);
                    continue;
                }
                assertArrayEquals(slow.routedTokens(name), fast.routedTokens(name), family + " " + name);
                assertTrue(GoldenModels.relError(fast.get(name), slow.get(name)) < 1e-5, family + " " + name);
                rows += slow.routedTokens(name).length;
            }
        }
        assertEquals(2 * 2 * model.config().moe().topK() * 2, rows, family + ": top-k rows of 2 prompts x 2 positions, 2 hooks");
    }

    private static int firstSparseLayer(ModelConfig config) {
        for (int l = 0; l < config.numLayers(); l++) {
            if (config.moe().isSparse(l)) {
                return l;
            }
        }
        throw new IllegalStateException("no sparse layer");
    }
}
