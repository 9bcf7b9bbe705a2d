package org.neurosweep.methods.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Shapes;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;
import org.neurosweep.methods.pad.McqCalibration;
import org.neurosweep.methods.pad.PadExample;
import org.neurosweep.methods.pad.PreferenceLoss;
import org.neurosweep.methods.pad.SequenceScores;
import org.neurosweep.train.CausalLmBatch;
import org.neurosweep.train.LossMask;

/**
 * The distillation losses and their gradients with respect to the student logits against PyTorch autograd in float64
 * (scripts/reference/distill/torch_losses.py → resources/distill/torch_reference.json, whose "device" and "torch"
 * keys say where it ran):
 * plain KD; swing with noise off, with a fixed noise tensor everywhere and on the private rows only; PAD from token
 * logits through ℓ_S = mean response log-prob, with the MCQ-calibrated teacher rewards (α = 0.5 and α = 0), JS and
 * vanilla.
 */
class TorchReferenceTest {

    private static final JsonNode REF = load();

    private static JsonNode load() {
        try (InputStream in = TorchReferenceTest.class.getResourceAsStream("/distill/torch_reference.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JSON array of any depth → a double array of its shape. */
    private static INDArray array(JsonNode node) {
        List<Long> shape = new ArrayList<>();
        for (JsonNode n = node; n.isArray(); n = n.get(0)) {
            shape.add((long) n.size());
        }
        List<Double> flat = new ArrayList<>();
        flatten(node, flat);
        double[] values = flat.stream().mapToDouble(Double::doubleValue).toArray();
        return Nd4j.createFromArray(values).castTo(DataType.DOUBLE).reshape(shape.stream().mapToLong(Long::longValue).toArray());
    }

    private static void flatten(JsonNode node, List<Double> into) {
        if (node.isArray()) {
            node.forEach(n -> flatten(n, into));
        } else {
            into.add(node.asDouble());
        }
    }

    private static int[] ints(JsonNode node) {
        List<Double> flat = new ArrayList<>();
        flatten(node, flat);
        return flat.stream().mapToInt(Double::intValue).toArray();
    }

    private static double[] doubles(JsonNode node) {
        List<Double> flat = new ArrayList<>();
        flatten(node, flat);
        return flat.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The loss of {@code f} at {@code x} and its gradient equal the reference's entry {@code name}. */
    private static void check(String name, INDArray x, Function<Var, Var> f) {
        Var param = Var.param(x.dup());
        double loss;
        try (Tape tape = Tape.record()) {
            Var out = f.apply(param);
            tape.backward(out);
            loss = out.value().getDouble(0);
        }
        double expected = REF.get(name).get("loss").asDouble();
        assertEquals(expected, loss, 1e-10 * Math.abs(expected), name + " loss");
        INDArray grad = array(REF.get(name).get("grad"));
        double err = param.grad().sub(grad).amaxNumber().doubleValue() / grad.amaxNumber().doubleValue();
        assertTrue(err < 1e-9, name + " gradient: relative error " + err);
    }

    @Test
    void kdAndSwingMatchPyTorch() {
        JsonNode token = REF.get("token");
        INDArray student = array(token.get("student"));
        INDArray teacher = array(token.get("teacher"));
        int[] targets = ints(token.get("targets"));
        double[] rho = doubles(token.get("rho"));
        INDArray noise = array(token.get("noise"));
        check("kd", student, s -> DistillationLoss.kd(s, teacher, targets, token.get("kd_tau").asDouble(),
                token.get("kd_lambda").asDouble()));
        double low = token.get("tau_low").asDouble();
        double high = token.get("tau_high").asDouble();
        double lambda = token.get("lambda").asDouble();
        double threshold = token.get("private_threshold").asDouble();
        SwingSettings everywhere = new SwingSettings(low, high, 0.5, false, lambda, threshold, true);
        SwingSettings privateOnly = new SwingSettings(low, high, 0.5, true, lambda, threshold, true);
        check("swing", student, s -> DistillationLoss.swingWithNoise(s, teacher, targets, rho, everywhere, null));
        check("swing_noise", student, s -> DistillationLoss.swingWithNoise(s, teacher, targets, rho, everywhere, noise));
        check("swing_noise_private", student, s -> DistillationLoss.swingWithNoise(s, teacher, targets, rho, privateOnly, noise));
        // Σ_v q_t(v) = 1 (§3(g)), from PyTorch's soft targets with the same noise
        for (double sum : doubles(REF.get("swing_targets_row_sums"))) {
            assertEquals(1.0, sum, 1e-12);
        }
    }

    @Test
    void padLossesFromTokenLogitsMatchPyTorch() {
        JsonNode pad = REF.get("pad");
        int n = pad.get("n").asInt();
        double beta = pad.get("beta").asDouble();
        double alpha = pad.get("alpha").asDouble();
        List<PadExample> prompts = new ArrayList<>();
        double[][] mixed = new double[pad.get("prompts").size()][n];
        double[][] mcqOnly = new double[mixed.length][n];
        for (int q = 0; q < mixed.length; q++) {
            List<int[]> responses = new ArrayList<>();
            pad.get("responses").get(q).forEach(r -> responses.add(ints(r)));
            double[] m = McqCalibration.scores(n, doubles(pad.get("p_a").get(q)), doubles(pad.get("p_b").get(q)));
            assertArrayEquals(doubles(pad.get("mcq_scores").get(q)), m, 1e-12, "MCQ scores of prompt " + q);
            double[] avgLogp = doubles(pad.get("teacher_avg_logp").get(q));
            for (int i = 0; i < n; i++) {
                mixed[q][i] = beta * McqCalibration.teacherScore(alpha, avgLogp[i], m[i]);
                mcqOnly[q][i] = beta * McqCalibration.teacherScore(0, avgLogp[i], m[i]);
            }
            prompts.add(new PadExample("p" + q, ints(pad.get("prompts").get(q)), responses, mixed[q]));
        }
        assertArrayEquals(doubles(pad.get("teacher_rewards")), Nd4j.createFromArray(mixed).data().asDouble(), 1e-12);
        CausalLmBatch batch = CausalLmBatch.of(prompts.stream().flatMap(p -> p.sequences().stream()).toList(), 0,
                LossMask.RESPONSE_ONLY);
        assertArrayEquals(ints(pad.get("targets")), batch.targets(), "the response tokens the spec scores");
        INDArray logits = array(pad.get("logits"));
        PreferenceLoss losses = new PreferenceLoss(n);
        Function<Var, Var> rewards = z -> Elementwise.scale(
                Shapes.reshape(SequenceScores.meanLogProbs(z, batch), prompts.size(), n), beta);
        try (Tape tape = Tape.record()) {
            assertArrayEquals(doubles(pad.get("student_rewards")),
                    rewards.apply(Var.constant(logits)).value().data().asDouble(), 1e-12, "r_S = β ℓ_S");
        }
        INDArray teacherMixed = Nd4j.createFromArray(mixed);
        INDArray teacherMcq = Nd4j.createFromArray(mcqOnly);
        check("pad_js", logits, z -> losses.jensenShannon(rewards.apply(z), teacherMixed));
        check("pad_vanilla", logits, z -> losses.vanilla(rewards.apply(z), teacherMixed));
        check("pad_js_mcq_only", logits, z -> losses.jensenShannon(rewards.apply(z), teacherMcq));
    }

    @Test
    void theReferenceReproducesTheSpecsGoldenValues() {
        JsonNode golden = REF.get("golden_check");
        assertEquals(0.188959280, golden.get("js").asDouble(), 1e-9);
        assertEquals(3.668823399, golden.get("vanilla").asDouble(), 1e-9);
        assertArrayEquals(new double[] {-0.310155, -0.762140, -0.798508, -1.696449}, doubles(golden.get("mcq_g6")), 1e-6);
    }
}
