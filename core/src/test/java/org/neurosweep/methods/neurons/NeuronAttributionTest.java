package org.neurosweep.methods.neurons;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.hook.HookNames;
import org.neurosweep.methods.attribution.IntegratedGradients;
import org.neurosweep.methods.attribution.RiemannGrid;
import org.neurosweep.methods.lrp.LanguageVectors;
import org.neurosweep.methods.lrp.LayerPair;
import org.neurosweep.methods.lrp.Lrp2Projection;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.tensor.TensorSource;
import org.neurosweep.tensor.TensorSources;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/**
 * Knowledge-neuron integrated gradients on the world models: the golden reference's ig.layer1 (right grid), the
 * completeness of the path integral per layer (dense and MoE), batched α steps equal to sequential passes, and the
 * MoE convention (routed experts and the shared expert only).
 */
class NeuronAttributionTest {

    private static CausalLM dense;
    private static CausalLM moe;
    private static int[] prompt;
    private static int target;

    @BeforeAll
    static void load() {
        dense = CausalLM.load(RepoPaths.world("dense"));
        moe = CausalLM.load(RepoPaths.world("moe_deep"));
        try (Tokenizer tok = Tokenizer.load(RepoPaths.world("dense").resolve("tokenizer.json"))) {
            // layer 0's activation at the last position carries most of p(" yen"): a path with a large drop
            prompt = tok.encode("The currency of Japan is the");
            target = tok.encode(" yen")[0];
        }
    }

    @Test
    void rightGridReproducesTheGoldenLayer1Attribution() throws IOException {
        Path dir = RepoPaths.golden("llama");
        INDArray expected;
        int expectedTarget;
        int[] golden;
        try (TensorSource ref = TensorSources.open(dir.resolve("reference.safetensors"))) {
            expected = ref.load("ig.layer1").castTo(DataType.DOUBLE);
            expectedTarget = ref.load("ig.target").getInt(0);
            int[] ids = ref.load("input_ids").getRow(0).toIntVector();
            int[] mask = ref.load("attention_mask").getRow(0).toIntVector();
            golden = Arrays.copyOf(ids, Arrays.stream(mask).sum());
        }
        NeuronAttribution.PromptAttribution ours = new NeuronAttribution(CausalLM.load(dir))
                .attribute(golden, expectedTarget, new int[] {1}, 16, RiemannGrid.RIGHT);
        float[] att = ours.layers().get(0).groups().get(0).attribution();
        INDArray got = Nd4j.createFromArray(att).castTo(DataType.DOUBLE).reshape(expected.shape());
        double relError = got.sub(expected).amaxNumber().doubleValue() / expected.amaxNumber().doubleValue();
        assertTrue(relError < 1e-3, "relative error " + relError);
    }

    @Test
    void denseAttributionsAddUpToTheProbabilityDropPerLayer() {
        assertComplete(dense, 6);
    }

    @Test
    void moeAttributionsAddUpToTheProbabilityDropPerLayer() {
        assertComplete(moe, 6);
    }

    // the completeness gap at m = 128 is small against the drop, and in total smaller than at m = 8
    private static void assertComplete(CausalLM model, int layers) {
        int[] all = java.util.stream.IntStream.range(0, layers).toArray();
        NeuronAttribution kn = new NeuronAttribution(model);
        NeuronAttribution.PromptAttribution coarse = kn.attribute(prompt, target, all, 8, RiemannGrid.LEFT);
        NeuronAttribution.PromptAttribution fine = kn.attribute(prompt, target, all, 128, RiemannGrid.LEFT);
        assertTrue(fine.pFull() > 0.5, "the model knows the fact: p = " + fine.pFull());
        double coarseGaps = 0;
        double fineGaps = 0;
        double largestDrop = 0;
        for (int i = 0; i < layers; i++) {
            LayerAttribution f = fine.layers().get(i);
            double drop = f.pFull() - f.pZero();
            assertTrue(Math.abs(f.completenessGap()) <= 0.02 + 0.05 * Math.abs(drop),
                    "layer " + i + ": sum " + f.sum() + " vs drop " + drop);
            largestDrop = Math.max(largestDrop, Math.abs(drop));
            coarseGaps += Math.abs(coarse.layers().get(i).completenessGap());
            fineGaps += Math.abs(f.completenessGap());
            assertEquals(f.pZero(), coarse.layers().get(i).pZero(), 1e-5, "p_zero does not depend on m");
        }
        assertTrue(largestDrop > 0.5, "some layer matters to the fact: largest drop " + largestDrop);
        assertTrue(fineGaps < coarseGaps / 4, "the Riemann error shrinks with m: " + fineGaps + " vs " + coarseGaps);
    }

    @Test
    void batchedStepsEqualSequentialPasses() {
        IntegratedGradients ig = new IntegratedGradients(dense);
        String hook = HookNames.mlpPost(3);
        int[] last = {prompt.length - 1};
        INDArray a = ig.attribute(prompt, hook, 1).activation();                  // (1, ffn)
        int steps = 5;
        double[] alphas = RiemannGrid.LEFT.alphas(steps);
        INDArray points = Nd4j.createFromArray(alphas).castTo(DataType.FLOAT).reshape(steps, 1, 1)
                .mul(a.reshape(1, 1, a.size(1)));
        INDArray batched = ig.gradientsAt(prompt, hook, last, points, target);
        for (int q = 0; q < steps; q++) {
            INDArray one = ig.gradientsAt(prompt, hook, last, points.get(
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(q, q + 1)).dup(), target);
            double scale = one.amaxNumber().doubleValue();
            double diff = batched.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(q, q + 1)).sub(one)
                    .amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4 * scale + 1e-9, "step " + q + ": " + diff + " of " + scale);
        }
    }

    @Test
    void moeLayersAttributeOnlyTheRoutedExpertsAndTheSharedOne() {
        NeuronAttribution.PromptAttribution r = new NeuronAttribution(moe)
                .attribute(prompt, target, new int[] {0, 5}, 4, RiemannGrid.LEFT);
        int shared = NeuronId.sharedExpert(moe.config());
        for (LayerAttribution l : r.layers()) {
            List<Integer> experts = l.groups().stream().map(LayerAttribution.Group::expert).toList();
            assertEquals(moe.config().moe().topK() + 1, experts.size(), experts.toString());
            assertEquals(shared, experts.get(experts.size() - 1));
            for (LayerAttribution.Group g : l.groups()) {
                int width = g.expert() == shared ? moe.config().moe().sharedExpertIntermediateSize()
                        : moe.config().moe().expertIntermediateSize();
                assertEquals(width, g.attribution().length);
                for (int k = 0; k < width; k++) {
                    if (g.activation()[k] == 0f) {
                        assertEquals(0f, g.attribution()[k], "zero activation, zero attribution");
                    }
                }
            }
        }
    }

    @Test
    void leftGridWithOneStepIsActivationTimesGradientAtTheBaseline() {
        int layer = 2;
        LayerAttribution l = new NeuronAttribution(dense).attribute(prompt, target, new int[] {layer}, 1, RiemannGrid.LEFT)
                .layers().get(0);
        IntegratedGradients ig = new IntegratedGradients(dense);
        String hook = HookNames.mlpPost(layer);
        INDArray a = ig.attribute(prompt, hook, 1).activation();
        INDArray g = ig.gradientsAt(prompt, hook, new int[] {prompt.length - 1}, a.mul(0).reshape(1, 1, a.size(1)), target);
        float[] expected = a.mul(g.reshape(a.shape())).reshape(a.length()).toFloatVector();
        assertArrayEquals(expected, l.groups().get(0).attribution(), 1e-6f);
    }

    /**
     * LRP2 as a background intervention: with the vectors of a made-up language that shift the residual stream after
     * blocks 1 and 4, p_full is the projected model's probability (a plain projected forward here), and the attribution
     * is complete against the projected drop (so the path forwards carry the projection too); with v_l = v_en the
     * projection is the identity and the attribution is the plain one exactly.
     */
    @Test
    void lrp2ProjectionIsActiveInEveryForwardOfTheAttribution() {
        int d = dense.config().hiddenSize();
        double[][] english = new double[6][d];
        double[][] other = new double[6][d];
        Random random = new Random(5);
        for (int l = 0; l < 6; l++) {
            for (int k = 0; k < d; k++) {
                english[l][k] = random.nextGaussian();
                other[l][k] = english[l][k] + (l == 0 || l == 3 ? 3 * random.nextGaussian() : 0);
            }
        }
        LanguageVectors vectors = LanguageVectors.of(6, List.of(
                new LanguageVectors.Entry("en", english, 1, 1),
                new LanguageVectors.Entry("xx", other, 1, 1),
                new LanguageVectors.Entry("yy", english, 1, 1)));
        LayerPair pair = new LayerPair(1, 4);
        int[] all = {0, 1, 2, 3, 4, 5};
        NeuronAttribution.PromptAttribution plain = new NeuronAttribution(dense).attribute(prompt, target, all, 16, RiemannGrid.LEFT);
        NeuronAttribution.PromptAttribution projected = new NeuronAttribution(dense,
                () -> Lrp2Projection.hooks(vectors, "xx", "en", pair))
                .attribute(prompt, target, all, 128, RiemannGrid.LEFT);
        double expected;
        try (Forward f = dense.forward(Batch.of(prompt)
                .logitsAt(LogitsAt.last()), Lrp2Projection.hooks(vectors, "xx", "en", pair), null)) {
            INDArray logits = f.logits().value().reshape(1, -1).castTo(DataType.DOUBLE);
            expected = Transforms.softmax(logits, false).getDouble(0, target);
        }
        assertEquals(expected, projected.pFull(), 1e-6);
        assertTrue(Math.abs(projected.pFull() - plain.pFull()) > 1e-3, "the projection changes the model: "
                + projected.pFull() + " vs " + plain.pFull());
        for (LayerAttribution l : projected.layers()) {
            double drop = l.pFull() - l.pZero();
            assertTrue(Math.abs(l.completenessGap()) <= 0.02 + 0.05 * Math.abs(drop), "layer " + l.layer() + ": sum "
                    + l.sum() + " vs the projected drop " + drop);
        }
        NeuronAttribution.PromptAttribution identity = new NeuronAttribution(dense,
                () -> Lrp2Projection.hooks(vectors, "yy", "en", pair))
                .attribute(prompt, target, all, 16, RiemannGrid.LEFT);
        for (int i = 0; i < all.length; i++) {
            assertArrayEquals(plain.layers().get(i).groups().get(0).attribution(),
                    identity.layers().get(i).groups().get(0).attribution(), "v_l = v_en: no hook, the plain attribution");
        }
    }
}
