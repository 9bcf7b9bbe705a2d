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
 * The tape's gradient of a whole model's next-token loss against finite differences, for every
 * weight tensor of a tiny model of each architecture family. The model computes in fp32, so each
 * tensor is checked along one direction d (its gradient direction mixed with a random one): the
 * directional derivative g·d against a Richardson-extrapolated central difference of the loss
 * (accumulated in fp64 from the fp32 logits); relative error below 1e-3.
 */
class ModelGradientCheckTest {

    private static final double TOLERANCE = 1e-3;

    @ParameterizedTest
    @ValueSource(strings = {"llama", "llama_tied", "mistral", "qwen2", "gpt_neox", "mixtral", "olmoe", "qwen2_moe"})
    void everyWeightGradientMatchesFiniteDifferences(String family) throws IOException {
        Path dir = RepoPaths.golden(family);
        CausalLM model = ModelLoader.load(dir.toString(), true);
        Batch batch = referenceBatch(dir);
        int[] targets = nextTokenTargets(batch);
        Hooks routing = routingCaptures(model.config());

        Map<Var, String> tensors = new IdentityHashMap<>();
        model.parameters().forEach((name, v) -> tensors.putIfAbsent(v, name));
        Map<String, INDArray> grads = new LinkedHashMap<>();
        try (Tape tape = Tape.record(); Forward f = model.forward(batch)) {
            tape.backward(loss(f, targets));
        }
        tensors.forEach((v, name) -> grads.put(name, v.grad().castTo(DataType.DOUBLE)));
        List<INDArray> baseRouting = routingIds(model, batch, routing);

        List<String> failures = new ArrayList<>();
        long seed = 11;
        for (Map.Entry<Var, String> e : tensors.entrySet()) {
            INDArray g = grads.get(e.getValue());
            INDArray direction = direction(g, seed++);
            double analytic = g.mul(direction).sumNumber().doubleValue();
            double numeric = directionalDifference(model, batch, targets, e.getKey(), direction, routing, baseRouting);
            double err = Math.abs(numeric - analytic) / Math.max(Math.abs(analytic), 1e-6);
            if (err >= TOLERANCE) {
                failures.add(e.getValue() + ": analytic " + analytic + " numeric " + numeric + " rel " + err);
            }
        }
        assertTrue(failures.isEmpty(), family + ": " + failures);
    }

    /** Mean cross-entropy of next tokens over real positions. */
    private static Var loss(Forward f, int[] targets) {
        Var logits = f.logits();
        return Losses.crossEntropy(Shapes.reshape(logits, logits.size(0) * logits.size(1), logits.size(2)), targets, -100);
    }

    private static double lossValue(CausalLM model, Batch batch, int[] targets) {
        try (Forward f = model.forward(batch)) {
            return loss(Var.constant(f.logits().value().castTo(DataType.DOUBLE)), targets);
        }
    }

    private static double loss(Var logits64, int[] targets) {
        Var flat = Shapes.reshape(logits64, logits64.size(0) * logits64.size(1), logits64.size(2));
        return Losses.crossEntropy(flat, targets, -100).value().getDouble(0);
    }

    /**
     * (4 D(h/2) − D(h)) / 3 with D(h) = (L(θ + h d) − L(θ − h d)) / 2h; h is halved while a step changes
     * an MoE routing decision (the loss is only piecewise smooth there).
     */
    private static double directionalDifference(CausalLM model, Batch batch, int[] targets, Var weight,
                                                INDArray direction, Hooks routing, List<INDArray> baseRouting) {
        INDArray w = weight.value();
        INDArray original = w.dup();
        INDArray step = direction.castTo(w.dataType());
        double h = 0.5;
        for (int attempt = 0; attempt < 6; attempt++, h /= 4) {
            double[] d = new double[2];
            boolean rerouted = false;
            for (int i = 0; i < 2; i++) {
                double hi = i == 0 ? h : h / 2;
                w.assign(original).addi(step.mul(hi));
                double up = lossValue(model, batch, targets);
                rerouted |= !routingIds(model, batch, routing).equals(baseRouting);
                w.assign(original).subi(step.mul(hi));
                double down = lossValue(model, batch, targets);
                rerouted |= !routingIds(model, batch, routing).equals(baseRouting);
                d[i] = (up - down) / (2 * hi);
            }
            w.assign(original);
            if (!rerouted) {
                return (4 * d[1] - d[0]) / 3;
            }
        }
        throw new AssertionError("routing changes under every step size tried");
    }

    /** A unit vector halfway between the gradient direction and a random one. */
    private static INDArray direction(INDArray g, long seed) {
        INDArray r = Nd4j.getRandomFactory().getNewRandomInstance(seed).nextGaussian('c', g.shape()).castTo(DataType.DOUBLE);
        INDArray d = r.divi(r.norm2Number());
        double gn = g.norm2Number().doubleValue();
        if (gn > 0) {
            d.addi(g.div(gn));
        }
        return d.divi(d.norm2Number());
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

    private static List<INDArray> routingIds(CausalLM model, Batch batch, Hooks routing) {
        List<INDArray> ids = new ArrayList<>();
        if (routing.isEmpty()) {
            return ids;
        }
        try (Forward f = model.forward(batch, routing, null)) {
            Set<String> names = f.captures().names();
            for (String n : names) {
                ids.add(f.captures().routing(n).ids());
            }
        }
        return ids;
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
