package org.neurosweep.methods.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.hook.Select;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/**
 * Causal check (iii) on the world moe_deep: the end points against plain forwards (the router logit as captured, and
 * with every head output at t* zeroed), completeness of the head IGs where the path is smooth (the first MoE layer's
 * router), no attribution to heads above the router's layer, and batching several objectives in one
 * forward/backward changes nothing.
 */
class RouterIntegratedGradientsTest {

    @Test
    void routerLogitIgIsCompleteAndBatchedObjectivesAreIndependent() {
        CausalLM model = CausalLM.load(RepoPaths.world("moe_deep"));
        int[] prompt;
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("moe_deep"))) {
            prompt = tokenizer.encode("The capital of France is");
        }
        int last = prompt.length - 1;
        int layers = model.config().numLayers();
        List<ExpertPair> pairs = List.of(new ExpertPair(0, 2), new ExpertPair(1, 3), new ExpertPair(4, 0), new ExpertPair(4, 5));
        RouterIntegratedGradients ig = new RouterIntegratedGradients(model);
        List<RouterIntegratedGradients.Result> batched = ig.attribute(prompt, pairs, 32);

        Hooks zeroed = Hooks.none();
        List<String> routers = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            zeroed.zero(HookNames.attnHeadOut(l), Select.at(last));
            routers.add(HookNames.routerLogits(l));
        }
        double[][] clean = routerLogits(model, prompt, Hooks.none(), routers);
        double[][] baseline = routerLogits(model, prompt, zeroed, routers);
        for (int i = 0; i < pairs.size(); i++) {
            RouterIntegratedGradients.Result r = batched.get(i);
            ExpertPair p = pairs.get(i);
            String what = p.toString();
            assertEquals(clean[p.layer()][p.expert()], r.logit(), 1e-4, what + ": logit at alpha = 1");
            assertEquals(baseline[p.layer()][p.expert()], r.logitBaseline(), 1e-4, what + ": alpha = 0");
            double change = r.logit() - r.logitBaseline();
            assertTrue(Math.abs(change) > 1e-3, what + ": the heads at t* move the router logit");
            if (p.layer() == 0) {
                // the router of layer 0 sees the heads of layer 0 through a smooth path; deeper routers see them also
                // through the discrete top-k of the MoE layers in between, whose jumps along the path IG cannot see
                assertEquals(change, r.sum(), 0.02 * Math.abs(change) + 1e-4, what + ": completeness");
            }
            for (int l = p.layer() + 1; l < layers; l++) {
                for (double v : r.ig()[l]) {
                    assertEquals(0.0, v, 0.0, what + ": heads above the router");
                }
            }
            RouterIntegratedGradients.Result alone = ig.attribute(prompt, List.of(p), 32).get(0);
            for (int l = 0; l <= p.layer(); l++) {
                for (int h = 0; h < r.ig()[l].length; h++) {
                    assertEquals(alone.ig()[l][h], r.ig()[l][h], 1e-5, what + ": batched with other objectives");
                }
            }
        }
    }

    // per layer, the router logits at t*, copied out while the forward's arrays are alive
    private static double[][] routerLogits(CausalLM model, int[] prompt, Hooks hooks, List<String> names) {
        double[][] out = new double[names.size()][];
        int last = prompt.length - 1;
        try (Forward f = model.forward(Batch.of(prompt).logitsAt(LogitsAt.last()), hooks.capture(names.toArray(String[]::new)), null)) {
            for (int l = 0; l < out.length; l++) {
                out[l] = f.captures().get(names.get(l)).get(NDArrayIndex.point(0), NDArrayIndex.point(last)).castTo(DataType.DOUBLE).toDoubleVector();
            }
        }
        return out;
    }
}
