package org.neurosweep.methods.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.methods.lens.LogitLens;
import org.neurosweep.methods.lens.Unembedding;
import org.neurosweep.hook.Captures;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.hook.Select;
import org.neurosweep.methods.moe.SampleAttribution.ExpertScore;
import org.neurosweep.methods.moe.SampleAttribution.HeadScore;
import org.neurosweep.methods.moe.SampleAttribution.LayerScore;
import org.neurosweep.methods.moe.SampleAttribution.NeuronScore;
import org.neurosweep.methods.moe.SampleAttribution.Sublayer;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/**
 * The cross-level LPIs against an independent recomputation: each component vector is recovered from plain forwards
 * of one prompt as the difference an intervention makes (a head zeroed, an expert dropped, the shared expert removed,
 * one neuron zeroed), and projected by this test's own double-precision fixed-scale projection (W_U, γ_f and s* from
 * the parameters and the captured h_L). Plus the spec's invariants: the layer scores telescope to
 * log P(w|h_L) − log P(w|h_0), log P(w|h_L) is the real output's, routed experts are scored exactly when selected, a
 * zeroed component scores 0, and micro-batching (left padding) changes nothing.
 */
class CrossLevelAttributionTest {

    private static final double TOLERANCE = 2e-4;
    private static final String[][] PROMPTS = {
        {"The capital of France is", "Paris"}, {"Germany is located in", "Europe"}, {"The main language of Spain is", "Spanish"}};

    @ParameterizedTest
    @ValueSource(strings = {"world/moe_deep", "world/moe_shallow", "golden/mixtral", "golden/olmoe", "golden/qwen2_moe"})
    void everyLevelMatchesAnInterventionRecomputation(String name) {
        Path dir = name.startsWith("world/") ? RepoPaths.world(name.substring(6)) : RepoPaths.golden(name.substring(7));
        CausalLM model = CausalLM.load(dir);
        List<int[]> prompts = new ArrayList<>();
        int[] targets = new int[PROMPTS.length];
        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            for (int i = 0; i < PROMPTS.length; i++) {
                prompts.add(tokenizer.encode(PROMPTS[i][0]));
                targets[i] = tokenizer.encode(" " + PROMPTS[i][1])[0];
            }
        }
        List<SampleAttribution> batched = new CrossLevelAttribution(model, 1, 50, 64).attribute(prompts, targets, 3);
        List<SampleAttribution> single = new CrossLevelAttribution(model, 1, 50, 7).attribute(prompts, targets, 1);
        for (int i = 0; i < prompts.size(); i++) {
            check(name + " prompt " + i, model, batched.get(i), new Reference(model, prompts.get(i), targets[i]));
            assertSameScores(name + " prompt " + i + ", one per forward", batched.get(i), single.get(i));
        }
    }

    private static void check(String what, CausalLM model, SampleAttribution a, Reference ref) {
        int layers = model.config().numLayers();
        assertEquals(ref.lp(ref.hFinal), a.output().logProb(), TOLERANCE, what + ": the lens at h_L is the real output");
        assertEquals(a.output().logProb(), a.lensFinal(), TOLERANCE, what);
        double telescoped = a.layers().stream().mapToDouble(s -> s.score().lpi()).sum();
        assertEquals(a.lensFinal() - a.lensEmbed(), telescoped, TOLERANCE, what + ": layer LPIs telescope");

        for (LayerScore s : a.layers()) {
            int l = s.layer();
            double expected = s.sublayer() == Sublayer.ATTN ? ref.lp(ref.residMid[l]) - ref.lp(ref.residPre[l])
                    : ref.lp(ref.residPost[l]) - ref.lp(ref.residMid[l]);
            assertEquals(expected, s.score().lpi(), TOLERANCE, what + " " + s);
        }
        for (HeadScore s : a.heads()) {
            if (s.head() == 0 || s.head() == model.config().numHeads() - 1) {
                double[] without = ref.run(new Hooks().zeroHeads(s.layer(), s.head()), HookNames.residMid(s.layer()));
                double[] head = minus(ref.residMid[s.layer()], without);
                assertEquals(ref.lpi(ref.residPre[s.layer()], head), s.score().lpi(), TOLERANCE, what + " " + s);
            }
        }
        Set<String> selected = new HashSet<>();
        for (ExpertScore s : a.experts()) {
            int l = s.layer();
            if (s.type() == ExpertType.SHARED) {
                double[] without = ref.run(new Hooks().removeSharedExpert(l), HookNames.residPost(l));
                assertEquals(ref.lpi(ref.residMid[l], minus(ref.residPost[l], without)), s.score().lpi(), TOLERANCE,
                        what + " " + s);
                continue;
            }
            assertEquals(ref.selected(l).contains(s.expert()), s.selected(), what + " " + s);
            if (!s.selected()) {
                assertNull(s.score(), what + ": an unselected expert has no score");
                assertTrue(Double.isNaN(s.gateWeight()));
                continue;
            }
            selected.add(l + "/" + s.expert());
            double[] without = ref.run(new Hooks().dropExperts(l, s.expert()), HookNames.residPost(l));
            assertEquals(ref.lpi(ref.residMid[l], minus(ref.residPost[l], without)), s.score().lpi(), TOLERANCE,
                    what + " " + s);
        }
        assertEquals(layers * model.config().moe().topK(), selected.size(), what + ": k scored experts per layer");

        List<NeuronScore> neurons = a.neurons();
        assertEquals(50, neurons.size());
        for (int i = 1; i < neurons.size(); i++) {
            assertTrue(neurons.get(i - 1).lpi() >= neurons.get(i).lpi(), what + ": neurons best first");
            assertEquals(i + 1, neurons.get(i).rank());
        }
        for (NeuronScore s : List.of(neurons.get(0), neurons.get(1), neurons.get(neurons.size() - 1))) {
            String hook = switch (s.type()) {
                case ROUTED -> HookNames.expertPost(s.layer(), s.expert());
                case SHARED -> HookNames.sharedPost(s.layer());
                case DENSE -> HookNames.mlpPost(s.layer());
            };
            double[] without = ref.run(new Hooks().zero(hook, Select.all().features(s.neuron())), HookNames.residPost(s.layer()));
            assertEquals(ref.lpi(ref.residMid[s.layer()], minus(ref.residPost[s.layer()], without)), s.lpi(), TOLERANCE,
                    what + " " + s);
        }
    }

    // left padding and the projection's block size change nothing
    private static void assertSameScores(String what, SampleAttribution a, SampleAttribution b) {
        assertEquals(a.output().predicted(), b.output().predicted(), what);
        assertEquals(a.output().rank(), b.output().rank(), what);
        assertEquals(a.output().logProb(), b.output().logProb(), TOLERANCE, what);
        for (int i = 0; i < a.layers().size(); i++) {
            assertEquals(a.layers().get(i).score().lpi(), b.layers().get(i).score().lpi(), TOLERANCE, what);
        }
        for (int i = 0; i < a.heads().size(); i++) {
            assertEquals(a.heads().get(i).score().lpi(), b.heads().get(i).score().lpi(), TOLERANCE, what);
        }
        for (int i = 0; i < a.experts().size(); i++) {
            ExpertScore x = a.experts().get(i);
            ExpertScore y = b.experts().get(i);
            assertEquals(x.selected(), y.selected(), what);
            assertEquals(x.routerProb(), y.routerProb(), TOLERANCE, what);
            if (x.selected()) {
                assertEquals(x.score().lpi(), y.score().lpi(), TOLERANCE, what);
            }
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(a.neurons().get(i).lpi(), b.neurons().get(i).lpi(), TOLERANCE, what);
        }
    }

    @Test
    void aZeroedComponentScoresZeroAndARemovedSharedExpertIsNotScored() {
        CausalLM model = CausalLM.load(RepoPaths.world("moe_deep"));
        int[] prompt;
        int target;
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("moe_deep"))) {
            prompt = tokenizer.encode("The capital of France is");
            target = tokenizer.encode(" Paris")[0];
        }
        SampleAttribution a = new CrossLevelAttribution(model, 1, 10, 64).attribute(List.of(prompt), new int[] {target}, 1,
                () -> new Hooks().zeroHeads(2, 1).removeSharedExpert(3)).get(0);
        HeadScore zeroed = a.heads().stream().filter(h -> h.layer() == 2 && h.head() == 1).findFirst().orElseThrow();
        assertEquals(0.0, zeroed.score().lpi(), 0.0);
        assertEquals(0.0, zeroed.score().lpiPredicted(), 0.0);
        assertTrue(a.heads().stream().anyMatch(h -> h.score().lpi() != 0), "the other heads contribute");
        assertFalse(a.experts().stream().anyMatch(e -> e.layer() == 3 && e.type() == ExpertType.SHARED));
        assertTrue(a.experts().stream().anyMatch(e -> e.layer() == 2 && e.type() == ExpertType.SHARED));
    }

    // the pruned neuron search returns the exhaustive top N (N = every neuron projects them all) and projects fewer rows
    @ParameterizedTest
    @ValueSource(strings = {"world/moe_deep", "golden/mixtral"})
    void prunedNeuronSearchEqualsTheExhaustiveTopN(String name) {
        Path dir = name.startsWith("world/") ? RepoPaths.world(name.substring(6)) : RepoPaths.golden(name.substring(7));
        CausalLM model = CausalLM.load(dir);
        List<int[]> prompts = new ArrayList<>();
        int[] targets = new int[PROMPTS.length];
        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            for (int i = 0; i < PROMPTS.length; i++) {
                prompts.add(tokenizer.encode(PROMPTS[i][0]));
                targets[i] = tokenizer.encode(" " + PROMPTS[i][1])[0];
            }
        }
        CrossLevelAttribution all = new CrossLevelAttribution(model, 1, Integer.MAX_VALUE, 512);
        CrossLevelAttribution pruned = new CrossLevelAttribution(model, 1, 20, 512);
        List<SampleAttribution> exhaustive = all.attribute(prompts, targets, 3);
        List<SampleAttribution> top = pruned.attribute(prompts, targets, 3);
        for (int i = 0; i < prompts.size(); i++) {
            List<NeuronScore> want = exhaustive.get(i).neurons().subList(0, 20);
            List<NeuronScore> got = top.get(i).neurons();
            assertEquals(want.size(), got.size(), name + " prompt " + i);
            for (int r = 0; r < want.size(); r++) {      // same neurons in the same order; values up to fp32 GEMM blocking
                NeuronScore w = want.get(r);
                NeuronScore g = got.get(r);
                String what = name + " prompt " + i + " rank " + (r + 1);
                assertEquals(List.of(w.layer(), w.expert(), w.type(), w.neuron()), List.of(g.layer(), g.expert(), g.type(), g.neuron()), what);
                assertEquals(w.lpi(), g.lpi(), 1e-5, what);
                assertEquals(w.lpiPredicted(), g.lpiPredicted(), 1e-5, what);
            }
        }
        assertTrue(pruned.projectedNeurons() < all.projectedNeurons() / 2,
                name + ": projected " + pruned.projectedNeurons() + " of " + all.projectedNeurons() + " neuron rows");
    }

    // LPI(c; x) <= g . c for any c, and g is the LPI's gradient at c = 0 (a central difference matches g . c), so the
    // bound is tight for small components rather than merely valid
    @Test
    void gainBoundBoundsTheLpiAndIsItsGradient() {
        CausalLM model = CausalLM.load(RepoPaths.golden("qwen2_moe"));
        LpiProjection projection = new LpiProjection(new LogitLens(Unembedding.of(model)), 64);
        int d = model.config().hiddenSize();
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.FLOAT, 1, d);
        double s = 0.7;
        int target = 17;
        INDArray g = projection.gainBound(x, new double[] {s}, new int[] {target});
        double base = projection.logProbs(x.dup(), s, target)[0][0];
        for (double scale : new double[] {1e-2, 0.1, 1, 10}) {
            INDArray c = Nd4j.randn(DataType.FLOAT, 64, d).muli(scale);
            double[][] plus = projection.logProbs(c.addRowVector(x), s, target);
            double[][] minus = projection.logProbs(c.neg().addiRowVector(x), s, target);
            double[] linear = c.mmul(g.reshape(d, 1)).castTo(DataType.DOUBLE).toDoubleVector();
            for (int i = 0; i < 64; i++) {
                double lpi = plus[i][0] - base;
                assertTrue(lpi <= linear[i] + 1e-5 * (1 + Math.abs(linear[i])), "scale " + scale + ": " + lpi + " > " + linear[i]);
                assertTrue(minus[i][0] - base <= -linear[i] + 1e-5 * (1 + Math.abs(linear[i])), "scale " + scale);
                if (scale == 1e-2) {
                    assertEquals(linear[i], (plus[i][0] - minus[i][0]) / 2, 0.005 * Math.abs(linear[i]) + 2e-6, "gradient");
                }
            }
        }
    }

    @Test
    void topIndicesAreTheLargestBestFirstTiesByIndex() {
        int[] top = CrossLevelAttribution.topIndices(new double[] {0.5, 2, -1, 2, 7}, 3);
        assertEquals(List.of(4, 1, 3), List.of(top[0], top[1], top[2]));
        assertEquals(2, CrossLevelAttribution.topIndices(new double[] {1, 2}, 5).length);
    }

    private static double[] minus(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }

    /** Plain forwards of one prompt and this test's own projection log P(w | x) = log softmax(W_U(γ ⊙ x / s*))[w]. */
    private static final class Reference {
        final CausalLM model;
        final int[] prompt;
        final int target;
        final int last;
        final double[][] residPre;
        final double[][] residMid;
        final double[][] residPost;
        final double[] hFinal;
        final double sStar;
        final double[] gamma;
        final double[][] unembedding;   // (vocab, d)
        final Captures clean;

        Reference(CausalLM model, int[] prompt, int target) {
            this.model = model;
            this.prompt = prompt;
            this.target = target;
            this.last = prompt.length - 1;
            int layers = model.config().numLayers();
            Hooks hooks = new Hooks();
            for (int l = 0; l < layers; l++) {
                hooks.captureAt(new int[] {last}, HookNames.residPre(l), HookNames.residMid(l), HookNames.residPost(l));
                hooks.capture(HookNames.routing(l));
            }
            try (Forward f = model.forward(Batch.of(prompt), hooks, null)) {
                clean = f.captures();
            }
            residPre = new double[layers][];
            residMid = new double[layers][];
            residPost = new double[layers][];
            for (int l = 0; l < layers; l++) {
                residPre[l] = vector(clean.get(HookNames.residPre(l)));
                residMid[l] = vector(clean.get(HookNames.residMid(l)));
                residPost[l] = vector(clean.get(HookNames.residPost(l)));
            }
            hFinal = residPost[layers - 1];
            double ms = 0;
            for (double v : hFinal) {
                ms += v * v;
            }
            sStar = Math.sqrt(ms / hFinal.length + model.config().normEps());
            gamma = model.parameters().get("model.norm.weight").value().castTo(DataType.DOUBLE).toDoubleVector();
            INDArray w = model.parameters().get("lm_head.weight").value().castTo(DataType.DOUBLE);
            unembedding = (w.size(1) == hFinal.length ? w : w.transpose()).toDoubleMatrix();
        }

        Set<Integer> selected(int layer) {
            Captures.ExpertRouting r = clean.routing(HookNames.routing(layer));
            Set<Integer> ids = new HashSet<>();
            for (int j = 0; j < r.ids().size(2); j++) {
                ids.add(r.ids().getInt(0, last, j));
            }
            return ids;
        }

        /** The captured {@code hook} at t* in a forward with {@code interventions}. */
        double[] run(Hooks interventions, String hook) {
            try (Forward f = model.forward(Batch.of(prompt), interventions.captureAt(new int[] {last}, hook), null)) {
                return vector(f.captures().get(hook));
            }
        }

        double lpi(double[] base, double[] component) {
            double[] after = base.clone();
            for (int i = 0; i < after.length; i++) {
                after[i] += component[i];
            }
            return lp(after) - lp(base);
        }

        double lp(double[] x) {
            int d = x.length;
            int vocab = unembedding.length;
            double[] scaled = new double[d];
            for (int i = 0; i < d; i++) {
                scaled[i] = gamma[i] * x[i] / sStar;
            }
            double[] z = new double[vocab];
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                double sum = 0;
                for (int i = 0; i < d; i++) {
                    sum += scaled[i] * unembedding[v][i];
                }
                z[v] = sum;
                max = Math.max(max, sum);
            }
            double norm = 0;
            for (double v : z) {
                norm += Math.exp(v - max);
            }
            return z[target] - max - Math.log(norm);
        }

        private static double[] vector(INDArray captured) {
            return captured.castTo(DataType.DOUBLE).reshape(captured.length()).toDoubleVector();
        }
    }
}
