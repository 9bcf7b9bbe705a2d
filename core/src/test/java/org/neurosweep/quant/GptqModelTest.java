package org.neurosweep.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.testutil.RepoPaths;

/**
 * GPTQ over the golden tiny Llama with calibration through the runtime's hooks: the model ends up holding the
 * quantized weights, and on the calibration tokens the first layer's projections reconstruct their outputs at least
 * as well as round-to-nearest's, and the whole model's logits stay closer to the 16-bit logits.
 */
class GptqModelTest {

    @Test
    void quantizesTheGoldenLlamaLayerByLayer() {
        List<int[]> calibration = new ArrayList<>();
        Random rnd = new Random(11);
        for (int k = 0; k < 8; k++) {
            calibration.add(rnd.ints(48, 2, 1024).toArray());
        }
        Predicate<String> targets = LotaQaf.targets(LotaQaf.DEFAULT_TARGETS);
        CausalLM dense = CausalLM.load(RepoPaths.golden("llama"));
        CausalLM gptqModel = CausalLM.load(RepoPaths.golden("llama"));
        Map<String, GptqModel.Layer> layers = GptqModel.quantize(gptqModel, targets, calibration,
                new Gptq.Settings(3, 32, 0.01, true, 32));
        Map<String, QuantizedLinear> gptq = new java.util.TreeMap<>();
        layers.forEach((module, l) -> {
            gptq.put(module, l.quantized());
            assertEquals(8 * 48, l.calibrationRows());
            assertTrue(l.outputError() <= l.rtnOutputError(), module + ": " + l);
        });
        Map<String, QuantizedLinear> rtn = LotaQaf.quantize(dense, targets, 3, 32);
        assertEquals(3 * 7, gptq.size());
        gptq.forEach((module, q) -> TernaryAdapterTest.assertBitwiseEqual(q.weight(),
                gptqModel.parameters().get(module + ".weight").value().transpose()));

        // layer 0's inputs are the same for both quantizers: its projections' output error on the calibration rows
        INDArray x;
        try (Forward f = dense.forward(Batch.of(calibration.toArray(int[][]::new)),
                new Hooks().capture(HookNames.layer(0).attnIn), null)) {
            x = f.captures().get(HookNames.layer(0).attnIn).reshape(8 * 48, 64);
        }
        for (String p : List.of("q_proj", "k_proj", "v_proj")) {
            String module = "model.layers.0.self_attn." + p;
            INDArray w = dense.parameters().get(module + ".weight").value().transpose();
            double eg = error(w, gptq.get(module).weight(), x);
            double er = error(w, rtn.get(module).weight(), x);
            assertTrue(eg <= er, module + ": GPTQ " + eg + " > RTN " + er);
        }

        CausalLM rtnModel = CausalLM.load(RepoPaths.golden("llama"));
        rtn.forEach((module, q) -> rtnModel.parameters().get(module + ".weight").value().transpose().assign(q.weight()));
        Batch batch = Batch.of(calibration.subList(0, 4).toArray(int[][]::new));
        try (Forward ref = dense.forward(batch); Forward g = gptqModel.forward(batch); Forward r = rtnModel.forward(batch)) {
            double eg = g.logits().value().squaredDistance(ref.logits().value());
            double er = r.logits().value().squaredDistance(ref.logits().value());
            assertTrue(eg < er, "logit error: GPTQ " + eg + " vs RTN " + er);
        }
    }

    @Test
    void refusesTargetsItHasNoCalibrationInputFor() {
        CausalLM model = CausalLM.load(RepoPaths.golden("llama"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GptqModel.quantize(model,
                name -> name.equals("lm_head.weight"), List.of(new int[] {1, 2, 3}), new Gptq.Settings(4, 32, 0.01, false, 128)));
        assertTrue(e.getMessage().contains("lm_head"), e.getMessage());
    }

    private static double error(INDArray w, INDArray q, INDArray x) {
        INDArray y = x.castTo(DataType.DOUBLE).mmul(w.sub(q).castTo(DataType.DOUBLE).transpose());
        return y.muli(y).sumNumber().doubleValue();
    }
}
