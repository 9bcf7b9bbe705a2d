package org.neurosweep.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.tensor.TensorSource;
import org.neurosweep.tensor.TensorSources;
import org.neurosweep.testutil.RepoPaths;

/**
 * GPTQ checkpoints of the golden tiny Llama packed outside the project with GPTQ's own packing loops
 * ({@code scripts/reference/lota/make_gptq_reference.py}; 2/3/4/8 bits, v1 and v2 zeros, act-order g_idx): the runtime
 * loads every projection as the reference dequantized weight bit for bit, its logits equal those of the 16-bit model
 * given those weights, and re-packing the decoded layers reproduces the stored int32 words.
 */
class GptqReferenceTest {

    @ParameterizedTest
    @CsvSource({"llama_gptq4, true", "llama_gptq3, false", "llama_gptq2, false", "llama_gptq8, false"})
    void loadsTheReferenceCheckpoint(String name, boolean contiguous) throws IOException {
        Path dir = RepoPaths.golden("gptq").resolve(name);
        CausalLM quantized = CausalLM.load(dir);
        CausalLM dense = CausalLM.load(RepoPaths.golden("llama"));
        try (TensorSource reference = TensorSources.open(dir.resolve("reference.safetensors"))) {
            assertEquals(3 * 7, reference.names().size());
            for (String weight : reference.names()) {
                INDArray expected = reference.load(weight);
                TernaryAdapterTest.assertBitwiseEqual(expected, quantized.parameters().get(weight).value().transpose());
                dense.parameters().get(weight).value().transpose().assign(expected);
            }
        }
        Batch batch = Batch.rightPadded(List.of(new int[] {5, 17, 300, 2, 999, 41, 7}, new int[] {1, 2, 3}), 0);
        try (Forward a = quantized.forward(batch); Forward b = dense.forward(batch)) {
            TernaryAdapterTest.assertBitwiseEqual(b.logits().value(), a.logits().value());
        }

        GptqCheckpoint.Settings settings = GptqCheckpoint.settings(dir);
        Map<String, QuantizedLinear> layers = GptqCheckpoint.layers(dir);
        try (TensorSource stored = TensorSources.open(dir)) {
            for (Map.Entry<String, QuantizedLinear> e : layers.entrySet()) {
                assertEquals(contiguous, e.getValue().groups().isContiguous(), e.getKey());
                Map<String, INDArray> repacked = GptqTensors.encode(e.getKey(), e.getValue(), settings.format());
                for (String suffix : List.of(GptqTensors.QWEIGHT, GptqTensors.QZEROS, GptqTensors.G_IDX)) {
                    assertArrayEquals(stored.load(e.getKey() + suffix).data().asInt(),
                            repacked.get(e.getKey() + suffix).data().asInt(), e.getKey() + suffix);
                }
            }
        }
    }
}
