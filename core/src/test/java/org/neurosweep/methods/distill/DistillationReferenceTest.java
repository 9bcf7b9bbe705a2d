package org.neurosweep.methods.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;
import org.neurosweep.methods.pad.PreferenceLoss;

/**
 * The KD, swing (noise off), PAD JS and PAD vanilla losses and their gradients against an independent NumPy
 * computation from the formulas (scripts/reference/distill/losses.py → resources/distill/reference.json).
 */
class DistillationReferenceTest {

    private static final JsonNode REFERENCE = load();

    private static JsonNode load() {
        try (InputStream in = DistillationReferenceTest.class.getResourceAsStream("/distill/reference.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static INDArray matrix(JsonNode rows) {
        double[][] m = new double[rows.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new double[rows.get(i).size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = rows.get(i).get(j).asDouble();
            }
        }
        return Nd4j.createFromArray(m).castTo(DataType.DOUBLE);
    }

    /** The loss of {@code f} at {@code x} and its gradient equal the reference's {@code name} entry. */
    private static void check(String name, INDArray x, Function<Var, Var> f) {
        Var param = Var.param(x.dup());
        double loss;
        try (Tape tape = Tape.record()) {
            Var out = f.apply(param);
            tape.backward(out);
            loss = out.value().getDouble(0);
        }
        JsonNode ref = REFERENCE.get(name);
        assertEquals(ref.get("loss").asDouble(), loss, 1e-10 * Math.abs(ref.get("loss").asDouble()), name + " loss");
        INDArray grad = matrix(ref.get("grad"));
        double err = param.grad().sub(grad).amaxNumber().doubleValue() / grad.amaxNumber().doubleValue();
        assertTrue(err < 1e-7, name + " gradient: relative error " + err);
    }

    @Test
    void tokenLossesMatchTheReference() {
        JsonNode token = REFERENCE.get("token");
        INDArray student = matrix(token.get("student"));
        INDArray teacher = matrix(token.get("teacher"));
        int[] targets = new int[token.get("targets").size()];
        double[] rho = new double[targets.length];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = token.get("targets").get(i).asInt();
            rho[i] = token.get("rho").get(i).asDouble();
        }
        check("kd", student, s -> DistillationLoss.kd(s, teacher, targets, 2.0, 0.5));
        SwingSettings noNoise = new SwingSettings(2, 20, 0, false, 0.5, 0.5, true);
        check("swing", student, s -> DistillationLoss.swing(s, teacher, targets, rho, noNoise, 0));
    }

    @Test
    void rankingLossesMatchTheReference() {
        JsonNode pad = REFERENCE.get("pad");
        INDArray teacher = matrix(pad.get("teacher"));
        PreferenceLoss losses = new PreferenceLoss(4);
        check("js", matrix(pad.get("student")), s -> losses.jensenShannon(s, teacher));
        check("vanilla", matrix(pad.get("student")), s -> losses.vanilla(s, teacher));
    }
}
