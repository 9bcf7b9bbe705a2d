package org.neurosweep.methods.lens;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.Captures;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
    @ValueSource(strings = {"world/dense", "world/moe_deep", "world/moe_shallow", "golden/llama_tied", "golden/gemma2",
            "golden/bloom", "golden/gpt_neox", "golden/bert_mlm"})
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

    // the row-major logits (written as the f-order transpose W_Uᵀ xᵀ) are the column-major ones, with contiguous rows
    @ParameterizedTest
    @ValueSource(strings = {"golden/llama_tied", "golden/gemma2", "golden/bloom", "golden/bert_mlm"})
    void rowMajorLogitsEqualTheColumnMajorOnes(String name) {
        CausalLM model = CausalLM.load(RepoPaths.golden(name.substring(7)));
        LogitLens lens = new LogitLens(Unembedding.of(model));
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 5, model.config().hiddenSize());
        INDArray scales = Nd4j.createFromArray(0.5f, 1f, 2f, 0.7f, 3f);
        INDArray byColumn = lens.logits(x, scales, 'f');
        INDArray byRow = lens.logits(x, scales, 'c');
        assertEquals('c', byRow.ordering(), name);
        assertEquals(1, byRow.stride(1), name + ": rows contiguous");
        assertTrue(byColumn.equalsWithEps(byRow, 1e-4), name);
        assertNotEquals(0.0, byRow.getRow(1).sub(byRow.getRow(0)).norm2Number().doubleValue(), name + ": per-row scales");
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

    /**
     * The per-layer lens of layer l is the model's own head applied to h_l: the forward with the last block's output
     * replaced by h_l gives the same distribution (the head's LayerNorm with bias, BERT's MLM transform, its output
     * bias, Gemma-2's soft-cap all come from the model's code, not the lens's).
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama_tied", "gemma2", "bloom", "gpt_neox", "bert_mlm"})
    void perLayerLensIsTheModelsHeadOnEachLayer(String family) {
        CausalLM model = CausalLM.load(RepoPaths.golden(family));
        int layers = model.config().numLayers();
        int[] ids = {5, 17, 300, 41, 9, 77, 12};
        List<LayerwiseLens.Reading> readings = new ArrayList<>();
        new LayerwiseLens(model, 0).read(List.of(ids), new int[] {-1}, List.of(LensComponent.RESID_POST),
                LensNorm.PER_LAYER, 1, readings::add);
        assertEquals(layers, readings.size());
        String[] residuals = new String[layers];
        for (int l = 0; l < layers; l++) {
            residuals[l] = HookNames.residPost(l);
        }
        Captures captured;
        try (Forward f = model.forward(Batch.of(ids), Hooks.none().capture(residuals), null)) {
            captured = f.captures();
        }
        for (int l = 0; l < layers - 1; l++) {
            INDArray h = captured.get(HookNames.residPost(l));
            Hooks swap = Hooks.none().intervene(HookNames.residPost(layers - 1), (act, ctx) -> Var.constant(h));
            try (Forward f = model.forward(Batch.of(ids).logitsAt(LogitsAt.last()), swap, null)) {
                LensReadout head = new LensReadout(f.logits().value().reshape(model.config().vocabSize()).toFloatVector());
                LensReadout lens = find(readings, 0, -1, l).readout();
                assertArrayEquals(head.topK(5), lens.topK(5), family + " layer " + l);
                for (int token : new int[] {head.topK(1)[0], 7, 1000}) {
                    assertEquals(head.logProb(token), lens.logProb(token), 1e-4, family + " layer " + l + " token " + token);
                }
            }
        }
    }

    /**
     * The fixed-scale lens of a LayerNorm model, computed here in doubles from the checkpoint's tensors: layer 0's h
     * centred, divided by s* = sqrt(var(h_L) + eps) of the true final residual at the same position, times γ plus β
     * of ln_f, times the tied W_U.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bloom", "gpt_neox"})
    void finalScaleOfALayerNormModelDividesTheCentredResidualByTheFinalStd(String family) {
        CausalLM model = CausalLM.load(RepoPaths.golden(family));
        int layers = model.config().numLayers();
        int[] ids = {5, 17, 300, 41, 9, 77, 12};
        List<LayerwiseLens.Reading> readings = new ArrayList<>();
        new LayerwiseLens(model, 0).read(List.of(ids), new int[] {-1}, List.of(LensComponent.RESID_POST),
                LensNorm.FINAL_SCALE, 1, readings::add);
        double[] h0;
        double[] hL;
        try (Forward f = model.forward(Batch.of(ids), Hooks.none().captureAt(new int[] {ids.length - 1},
                HookNames.residPost(0), HookNames.residPost(layers - 1)), null)) {
            long d = model.config().hiddenSize();
            h0 = f.captures().get(HookNames.residPost(0)).castTo(DataType.DOUBLE).reshape(d).toDoubleVector();
            hL = f.captures().get(HookNames.residPost(layers - 1)).castTo(DataType.DOUBLE).reshape(d).toDoubleVector();
        }
        String norm = family.equals("bloom") ? "transformer.ln_f" : "gpt_neox.final_layer_norm";
        double[] gamma = vector(model, norm + ".weight");
        double[] beta = vector(model, norm + ".bias");
        String head = model.parameters().containsKey("lm_head.weight") ? "lm_head.weight"
                : model.parameters().containsKey("embed_out.weight") ? "embed_out.weight"
                : family.equals("bloom") ? "transformer.word_embeddings.weight" : "gpt_neox.embed_in.weight";
        INDArray w = model.parameters().get(head).value();                  // (d, V) bound lm head, or (V, d) table
        INDArray unembed = w.size(0) == h0.length ? w : w.transpose();
        double sStar = Math.sqrt(variance(hL) + model.config().normEps());
        double mean = Arrays.stream(h0).average().orElseThrow();
        int vocab = model.config().vocabSize();
        float[] logits = new float[vocab];
        for (int v = 0; v < vocab; v++) {
            double z = 0;
            for (int i = 0; i < h0.length; i++) {
                z += ((h0[i] - mean) / sStar * gamma[i] + beta[i]) * unembed.getDouble(i, v);
            }
            logits[v] = (float) z;
        }
        LensReadout expected = new LensReadout(logits);
        LensReadout lens = find(readings, 0, -1, 0).readout();
        assertArrayEquals(expected.topK(5), lens.topK(5), family);
        for (int token : new int[] {expected.topK(1)[0], 3, vocab - 1}) {
            assertEquals(expected.logProb(token), lens.logProb(token), 1e-4, family + " token " + token);
        }
        // not the per-layer lens: layer 0's own std differs from the final one's
        List<LayerwiseLens.Reading> own = new ArrayList<>();
        new LayerwiseLens(model, 0).read(List.of(ids), new int[] {-1}, List.of(LensComponent.RESID_POST),
                LensNorm.PER_LAYER, 1, own::add);
        assertNotEquals(lens.logProb(expected.topK(1)[0]), find(own, 0, -1, 0).readout().logProb(expected.topK(1)[0]), 1e-3);
    }

    private static double[] vector(CausalLM model, String name) {
        return model.parameters().get(name).value().castTo(DataType.DOUBLE).reshape(model.config().hiddenSize()).toDoubleVector();
    }

    private static double variance(double[] x) {
        double mean = Arrays.stream(x).average().orElseThrow();
        return Arrays.stream(x).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
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
