package org.neurosweep.methods.lens;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/methods/internal-cot.md §5 and §9: at the last layer the lens is the model's own next-token distribution. */
class LogitLensTest {

    private static final int POSITIONS = 2;
    /** Logits closer than this are ties at float precision: the lens and the forward sum in different orders. */
    private static final float TIE = 1e-4f;

    @ParameterizedTest
    @ValueSource(strings = {"world/dense", "world/moe_deep", "world/moe_shallow", "golden/llama_tied"})
    void lastLayerLensIsTheModelsPrediction(String name) {
        Path dir = name.startsWith("world/") ? RepoPaths.world(name.substring(6)) : RepoPaths.golden(name.substring(7));
        CausalLM model = CausalLM.load(dir);
        int layers = model.config().numLayers();
        List<int[]> prompts;
        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            prompts = List.of(tokenizer.encode("Q: What is the capital of France?\nA:"),
                    tokenizer.encode("The capital of Spain is"), tokenizer.encode("Q: What"));
        }
        for (LensNorm norm : LensNorm.values()) {
            List<LayerwiseLens.Reading> readings = new ArrayList<>();
            new LayerwiseLens(model, 0).read(prompts, new int[] {-1, -2}, List.of(LensComponent.RESID_POST), norm, 2,
                    readings::add);
            assertEquals(prompts.size() * POSITIONS * layers, readings.size());
            for (int i = 0; i < prompts.size(); i++) {
                int[] ids = prompts.get(i);
                try (Forward f = model.forward(Batch.of(ids).logitsAt(LogitsAt.positions(ids.length - 1, ids.length - 2)))) {
                    INDArray logits = f.logits().value(); // (1, 2, vocab)
                    for (int pi = 0; pi < POSITIONS; pi++) {
                        int position = -1 - pi;
                        LensReadout lens = find(readings, i, position, layers - 1).readout();
                        float[] expected = logits.get(NDArrayIndex.point(0), NDArrayIndex.point(pi), NDArrayIndex.all()).toFloatVector();
                        LensReadout model0 = new LensReadout(expected);
                        int top = model0.topK(1)[0];
                        assertArrayEquals(model0.topK(5), lens.topK(5), name + " " + norm + " prompt " + i + " position " + position);
                        for (int token : new int[] {top, 7, lens.vocabSize() - 1}) {
                            assertEquals(model0.logProb(token), lens.logProb(token), 1e-4, name + " " + norm);
                            assertRankWithinTies(expected, token, lens.rank(token), name + " " + norm);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense"})
    void finalScaleDiffersFromPerLayerNormBelowTheLastLayer(String name) {
        CausalLM model = CausalLM.load(RepoPaths.world(name));
        int[] ids;
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world(name))) {
            ids = tokenizer.encode("The capital of Spain is");
        }
        List<LayerwiseLens.Reading> fixed = new ArrayList<>();
        List<LayerwiseLens.Reading> perLayer = new ArrayList<>();
        LayerwiseLens lens = new LayerwiseLens(model, 0);
        lens.read(List.of(ids), new int[] {-1}, List.of(LensComponent.RESID_POST, LensComponent.MLP_OUT), LensNorm.FINAL_SCALE, 1, fixed::add);
        lens.read(List.of(ids), new int[] {-1}, List.of(LensComponent.RESID_POST, LensComponent.MLP_OUT), LensNorm.PER_LAYER, 1, perLayer::add);
        LensReadout a = fixed.get(0).readout();
        LensReadout b = perLayer.get(0).readout();
        int token = a.topK(1)[0];
        assertEquals(0, fixed.get(0).layer());
        assertNotEquals(a.logProb(token), b.logProb(token), 1e-3, "layer 0 is divided by s*, not by its own RMS");
        // the order of tokens is the same either way: both only rescale one vector before the unembedding
        assertArrayEquals(a.topK(10), b.topK(10));
        assertTrue(fixed.stream().anyMatch(r -> r.component() == LensComponent.MLP_OUT && r.layer() == 5));
    }

    private static LayerwiseLens.Reading find(List<LayerwiseLens.Reading> readings, int prompt, int position, int layer) {
        return readings.stream().filter(r -> r.prompt() == prompt && r.position() == position && r.layer() == layer)
                .findFirst().orElseThrow();
    }

    // the model's logits fix a token's rank only up to the tokens within float noise of it: the rank must lie between
    // 1 + (tokens surely above) and 1 + (tokens possibly above)
    private static void assertRankWithinTies(float[] logits, int token, int rank, String what) {
        int surelyAbove = 0;
        int possiblyAbove = 0;
        for (int u = 0; u < logits.length; u++) {
            if (u != token) {
                surelyAbove += logits[u] > logits[token] + TIE ? 1 : 0;
                possiblyAbove += logits[u] > logits[token] - TIE ? 1 : 0;
            }
        }
        assertTrue(rank >= 1 + surelyAbove && rank <= 1 + possiblyAbove, what + ": token " + token + " rank " + rank
                + ", the model's logits put it between " + (1 + surelyAbove) + " and " + (1 + possiblyAbove));
    }
}
