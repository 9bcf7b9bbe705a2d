package org.neurosweep.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.ModelLoader;
import org.neurosweep.tensor.TensorSource;
import org.neurosweep.tensor.TensorSources;
import org.neurosweep.testutil.RepoPaths;

/**
 * The tape's gradient of a whole model's next-token loss against finite differences, for a tiny
 * model of each architecture family. The model computes in fp32, so the check is directional: the
 * weights are grouped by kind (every layer's q_proj, every expert's down_proj, the norms, ...), and
 * for each group, along one unit direction d over the group (its gradient direction mixed with a
 * random one), the directional derivative g·d is compared with a Richardson-extrapolated central
 * difference of the loss (accumulated in fp64 from the fp32 logits); relative error below 1e-3.
 */
class ModelGradientCheckTest {

    private static final double TOLERANCE = 1e-3;
    private static final Pattern KEY_BIAS = Pattern.compile(".*\\.(k_proj|key)\\.bias");

    /** The loss and, per MoE layer, the expert sets selected per token. */
    private record Evaluation(double loss, List<INDArray> routing) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "llama_tied", "mistral", "qwen2", "gpt_neox", "mixtral", "olmoe", "qwen2_moe",
        "gemma", "gemma2", "bloom", "bert_mlm", "qwen3", "qwen3_moe", "olmo2"})
    void weightGradientsMatchFiniteDifferences(String family) throws IOException {
        Path dir = RepoPaths.golden(family);
        CausalLM model = ModelLoader.load(dir.toString(), true);
        Batch batch = referenceBatch(dir);
        int[] targets = nextTokenTargets(batch);
        Hooks routing = routingCaptures(model.config());

        Map<String, List<Var>> groups = new LinkedHashMap<>();
        Set<Var> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        model.parameters().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (seen.add(e.getValue())) {
                groups.computeIfAbsent(e.getKey().replaceAll("\\.\\d+\\.", ".*."), k -> new ArrayList<>()).add(e.getValue());
            }
        });
        try (Tape tape = Tape.record(); Forward f = model.forward(batch)) {
            tape.backward(loss(f.logits(), targets));
        }
        List<INDArray> baseRouting = evaluate(model, batch, targets, routing).routing();

        List<String> failures = new ArrayList<>();
        boolean unrotated = model.config().positions() != ModelConfig.PositionEncoding.ROTARY;
        long seed = 11;
        for (Map.Entry<String, List<Var>> group : groups.entrySet()) {
            List<Var> weights = group.getValue();
            if (unrotated && KEY_BIAS.matcher(group.getKey()).matches()) {
                // without RoPE, a separate key bias b adds q·b to every score of a query's row, which the softmax
                // ignores: its gradient is zero by construction (a finite difference would measure fp32 noise only)
                for (Var w : weights) {
                    double g = gradOf(w).amaxNumber().doubleValue();
                    if (g > 1e-6) {
                        failures.add(group.getKey() + ": gradient " + g + " where the softmax makes it 0");
                    }
                }
                continue;
            }
            List<INDArray> directions = directions(weights, seed++);
            double analytic = 0;
            for (int i = 0; i < weights.size(); i++) {
                analytic += gradOf(weights.get(i)).mul(directions.get(i)).sumNumber().doubleValue();
            }
            double numeric = directionalDifference(model, batch, targets, weights, directions, routing, baseRouting);
            double err = Math.abs(numeric - analytic) / Math.max(Math.abs(analytic), 1e-6);
            if (err >= TOLERANCE) {
                failures.add(group.getKey() + ": analytic " + analytic + " numeric " + numeric + " rel " + err);
            }
        }
        assertTrue(groups.size() >= 5, "weight groups " + groups.keySet());
        assertTrue(failures.isEmpty(), family + ": " + failures);
    }

    /** Mean cross-entropy of next tokens over real positions; logits (b, t, V). */
    private static Var loss(Var logits, int[] targets) {
        return Losses.crossEntropy(Shapes.reshape(logits, logits.size(0) * logits.size(1), logits.size(2)), targets, -100);
    }

    private static Evaluation evaluate(CausalLM model, Batch batch, int[] targets, Hooks routing) {
        double loss;
        List<INDArray> ids = new ArrayList<>();
        try (Forward f = model.forward(batch, routing, null)) {
            loss = loss(Var.constant(f.logits().value().castTo(DataType.DOUBLE)), targets).value().getDouble(0);
            for (String n : f.captures().names()) {
                ids.add(f.captures().routing(n).ids());
            }
        }
        // the selected set per real token: the order within the top-k is immaterial (near-equal weights may
        // swap), and padding tokens are never attended to
        INDArray real = batch.idArray().castTo(DataType.DOUBLE).reshape(batch.size(), batch.length(), 1);
        for (int r = 0; r < batch.size(); r++) {
            for (int j = 0; j < batch.length(); j++) {
                real.putScalar(r, j, 0, batch.isReal(r, j) ? 1 : 0);
            }
        }
        ids.replaceAll(a -> Nd4j.sort(a.castTo(DataType.DOUBLE), 2, true).muli(real));
        return new Evaluation(loss, ids);
    }

    /**
     * (4 D(h/2) − D(h)) / 3 with D(h) = (L(θ + h d) − L(θ − h d)) / 2h; h shrinks while a step changes
     * an MoE routing decision of a real token (the loss is only piecewise smooth there).
     */
    private static double directionalDifference(CausalLM model, Batch batch, int[] targets, List<Var> weights,
                                                List<INDArray> directions, Hooks routing, List<INDArray> baseRouting) {
        List<INDArray> originals = new ArrayList<>();
        weights.forEach(w -> originals.add(w.value().dup()));
        double h = 0.05;
        for (int attempt = 0; attempt < 6; attempt++, h /= 4) {
            double[] d = new double[2];
            boolean rerouted = false;
            for (int i = 0; i < 2; i++) {
                double hi = i == 0 ? h : h / 2;
                shift(weights, originals, directions, hi);
                Evaluation up = evaluate(model, batch, targets, routing);
                shift(weights, originals, directions, -hi);
                Evaluation down = evaluate(model, batch, targets, routing);
                rerouted |= !up.routing().equals(baseRouting) || !down.routing().equals(baseRouting);
                d[i] = (up.loss() - down.loss()) / (2 * hi);
            }
            shift(weights, originals, directions, 0);
            if (!rerouted) {
                // once h is small, truncation is negligible and extrapolation would only amplify fp32 noise
                return h >= 1e-2 ? (4 * d[1] - d[0]) / 3 : d[0];
            }
        }
        throw new AssertionError("routing changes under every step size tried, down to " + h);
    }

    /** Sets each weight to its original value plus {@code h} times its direction. */
    private static void shift(List<Var> weights, List<INDArray> originals, List<INDArray> directions, double h) {
        for (int i = 0; i < weights.size(); i++) {
            INDArray w = weights.get(i).value();
            w.assign(originals.get(i)).addi(directions.get(i).mul(h).castTo(w.dataType()));
        }
    }

    /** A unit direction over the group: half its normalized gradient, half a random unit vector. */
    private static List<INDArray> directions(List<Var> weights, long seed) {
        List<INDArray> random = new ArrayList<>();
        List<INDArray> grad = new ArrayList<>();
        double rn = 0, gn = 0;
        for (int i = 0; i < weights.size(); i++) {
            Var w = weights.get(i);
            INDArray r = Nd4j.getRandomFactory().getNewRandomInstance(seed * 1000 + i).nextGaussian('c', w.shape())
                    .castTo(DataType.DOUBLE);
            INDArray g = gradOf(w);
            rn += r.mul(r).sumNumber().doubleValue();
            gn += g.mul(g).sumNumber().doubleValue();
            random.add(r);
            grad.add(g);
        }
        List<INDArray> d = new ArrayList<>();
        double norm = 0;
        for (int i = 0; i < weights.size(); i++) {
            INDArray di = random.get(i).div(Math.sqrt(rn));
            if (gn > 0) {
                di.addi(grad.get(i).div(Math.sqrt(gn)));
            }
            norm += di.mul(di).sumNumber().doubleValue();
            d.add(di);
        }
        for (INDArray di : d) {
            di.divi(Math.sqrt(norm));
        }
        return d;
    }

    /** The gradient in fp64; zero for a weight no backward reached (an expert no token was routed to). */
    private static INDArray gradOf(Var w) {
        return w.grad() == null ? Nd4j.zeros(DataType.DOUBLE, w.shape()) : w.grad().castTo(DataType.DOUBLE);
    }

    private static Hooks routingCaptures(ModelConfig config) {
        Hooks hooks = Hooks.none();
        for (int l = 0; l < config.numLayers(); l++) {
            if (config.isMoe() && config.moe().isSparse(l)) {
                hooks.capture(HookNames.routing(l));
            }
        }
        return hooks;
    }
    private static Batch referenceBatch(Path dir) throws IOException {
        try (TensorSource ref = TensorSources.open(dir.resolve("reference.safetensors"))) {
            return Batch.masked(toRows(ref.load("input_ids")), toRows(ref.load("attention_mask")));
        }
    }

    private static int[][] toRows(INDArray a) {
        int[][] rows = new int[(int) a.size(0)][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = a.getRow(r).toIntVector();
        }
        return rows;
    }

    private static int[] nextTokenTargets(Batch batch) {
        int t = batch.length();
        int[] targets = new int[batch.size() * t];
        for (int r = 0; r < batch.size(); r++) {
            for (int j = 0; j < t; j++) {
                boolean counted = j + 1 < t && batch.isReal(r, j) && batch.isReal(r, j + 1);
                targets[r * t + j] = counted ? batch.id(r, j + 1) : -100;
            }
        }
        return targets;
    }
}
