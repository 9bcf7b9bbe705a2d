package org.neurosweep.model;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;
import org.neurosweep.testutil.RepoPaths;

/**
 * A routed expert's gate and up weights are views of one joint matrix, which inference multiplies in one GEMM while
 * a recording tape multiplies them separately: both paths give the same logits, also after an in-place update of a
 * weight (what an optimizer step does).
 */
class GateUpJointTest {

    @ParameterizedTest
    @ValueSource(strings = {"mixtral", "olmoe", "qwen2_moe"})
    void jointAndSeparateProductsAgree(String family) throws IOException {
        CausalLM model = ModelLoader.load(RepoPaths.golden(family).toString(), true);
        Batch batch = Batch.of(new int[][] {GoldenModels.tokens(9, model.config().vocabSize(), 5)});
        assertAgree(model, batch, family + " as loaded");

        String gate = model.parameters().keySet().stream()
                .filter(n -> n.contains(".experts.") && (n.endsWith("gate_proj.weight") || n.endsWith(".w1.weight")))
                .sorted().findFirst().orElseThrow();
        Var w = model.parameters().get(gate);
        w.value().muli(1.7);                                                    // in place, as an optimizer does
        INDArray before = GoldenModels.logits(model, batch);
        assertAgree(model, batch, family + " after scaling " + gate);
        w.value().divi(1.7);
        assertTrue(GoldenModels.relError(GoldenModels.logits(model, batch), before) > 1e-4,
                "the update reached the joint matrix: logits moved back when it was undone");
        assertSame(w, model.parameters().get(gate), "the parameter is still the bound weight");
    }

    private static void assertAgree(CausalLM model, Batch batch, String what) {
        INDArray inference = GoldenModels.logits(model, batch);
        INDArray taped;
        try (Tape ignored = Tape.record(); Forward f = model.forward(batch)) {
            taped = f.logits().value().detach();
        }
        double err = GoldenModels.relError(inference, taped);
        assertTrue(err < 1e-5, what + ": joint vs separate gate/up products, relative error " + err);
    }
}
