package org.neurosweep.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.tensor.TensorSource;
import org.neurosweep.tensor.TensorSources;
import org.neurosweep.testutil.RepoPaths;

/**
 * The runtime's GPTQ against GPTQ written in PyTorch from the paper's formulas with torch's LAPACK Cholesky
 * ({@code scripts/reference/lota/gptq_torch_reference.py}, run on the GPU machine; outputs in
 * {@code data/golden/gptq/}): the same layer quantized from the same calibration inputs gives the same codes, grid and
 * g_idx; the PyTorch GPTQ checkpoint of the golden Llama loads as its dequantized weights bit for bit with the logits
 * of transformers' model; and quantizing the golden Llama here from the same calibration tokens reproduces its codes.
 */
class GptqTorchReferenceTest {

    private static final Path GPTQ = RepoPaths.golden("gptq");

    @Test
    void sameLayerSameCodesAsPytorch() throws Exception {
        try (TensorSource ref = TensorSources.open(GPTQ.resolve("gptq_layer_case.safetensors"))) {
            INDArray inputs = ref.load("inputs", 'c');
            INDArray weight = ref.load("weight", 'c');
            Hessian h = new Hessian((int) inputs.size(1));
            h.add(inputs);
            for (int bits : new int[] {2, 4}) {
                for (int act : new int[] {0, 1}) {
                    String k = bits + "_" + act;
                    QuantizedLinear q = Gptq.quantize(weight, h.matrix(), new Gptq.Settings(bits, 32, 0.01, act == 1, 128));
                    assertArrayEquals(ref.load("g_idx_" + k, 'c').data().asInt(), q.groups().toArray(), "g_idx " + k);
                    assertArrayEquals(ref.load("scales_" + k, 'c').data().asFloat(), q.scales().dup('c').data().asFloat(),
                            "scales " + k);
                    assertArrayEquals(ref.load("zeros_" + k, 'c').castTo(DataType.FLOAT).data().asFloat(),
                            q.zeros().dup('c').data().asFloat(), "zeros " + k);
                    assertArrayEquals(ref.load("codes_" + k, 'c').castTo(DataType.FLOAT).data().asFloat(),
                            q.codes().dup('c').data().asFloat(), "codes " + k);
                }
            }
        }
    }

    @Test
    void loadsThePytorchCheckpointAndReproducesItsCodes() throws Exception {
        Path dir = GPTQ.resolve("llama_gptq4_torch");
        CausalLM loaded = CausalLM.load(dir);
        List<int[]> calibration = new ArrayList<>();
        try (TensorSource ref = TensorSources.open(dir.resolve("reference.safetensors"))) {
            for (String name : ref.names()) {
                if (name.endsWith(".weight")) {
                    TernaryAdapterTest.assertBitwiseEqual(ref.load(name, 'c'), loaded.parameters().get(name).value().transpose());
                }
            }
            int[][] probe = rows(ref.load("probe", 'c'));
            try (Forward f = loaded.forward(Batch.of(probe))) {
                INDArray expected = ref.load("logits", 'c');
                double diff = f.logits().value().sub(expected).amaxNumber().doubleValue();
                assertTrue(diff < 1e-4, "logits differ from transformers' by " + diff);
            }
            calibration.addAll(List.of(rows(ref.load("calibration", 'c'))));
        }

        CausalLM model = CausalLM.load(RepoPaths.golden("llama"));
        Map<String, GptqModel.Layer> ours = GptqModel.quantize(model, LotaQaf.targets(LotaQaf.DEFAULT_TARGETS),
                calibration, new Gptq.Settings(4, 32, 0.01, true, 128));
        Map<String, QuantizedLinear> theirs = GptqCheckpoint.layers(dir);
        assertEquals(theirs.keySet(), ours.keySet());
        long same = 0;
        long all = 0;
        for (Map.Entry<String, QuantizedLinear> e : theirs.entrySet()) {
            INDArray a = e.getValue().codes();
            INDArray b = ours.get(e.getKey()).quantized().codes();
            same += a.eq(b).castTo(DataType.FLOAT).sumNumber().longValue();
            all += a.length();
            if (e.getKey().startsWith("model.layers.0.self_attn")) {
                assertArrayEquals(e.getValue().groups().toArray(), ours.get(e.getKey()).quantized().groups().toArray(), e.getKey());
            }
        }
        // all 110592 codes agreed when this was written; fp32 forwards of two runtimes differ in the last bits, so a
        // rare code could land on the other side of a
        // rounding boundary on other BLAS kernels, and GPTQ carries that into later columns and layers
        assertTrue(same >= 0.999 * all, "codes agree " + same + " / " + all);
    }

    private static int[][] rows(INDArray tokens) {
        int[][] out = new int[(int) tokens.size(0)][];
        for (int r = 0; r < out.length; r++) {
            out[r] = tokens.getRow(r).dup().data().asInt();
        }
        return out;
    }
}
