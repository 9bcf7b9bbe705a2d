package org.neurosweep.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.hook.HookNames;
import org.neurosweep.model.CausalLM;
import org.neurosweep.tensor.TensorSource;
import org.neurosweep.tensor.TensorSources;
import org.neurosweep.testutil.RepoPaths;

/** {@code ig.layer1} of the golden dense models (definition in docs/reference-format.md), relative error below 1e-3. */
class IntegratedGradientsTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama", "llama_sharded", "llama_tied", "mistral", "qwen2"})
    void reproducesGoldenLayer1Attribution(String family) throws IOException {
        Path dir = RepoPaths.golden(family);
        INDArray expected;
        int expectedTarget;
        int[] prompt;
        try (TensorSource ref = TensorSources.open(dir.resolve("reference.safetensors"))) {
            expected = ref.load("ig.layer1").castTo(DataType.DOUBLE);
            expectedTarget = ref.load("ig.target").getInt(0);
            int[] ids = ref.load("input_ids").getRow(0).toIntVector();
            int[] mask = ref.load("attention_mask").getRow(0).toIntVector();
            prompt = Arrays.copyOf(ids, Arrays.stream(mask).sum());
        }
        CausalLM model = CausalLM.load(dir);

        IntegratedGradients.Result ig = new IntegratedGradients(model).attribute(prompt, HookNames.mlpPost(1), 16);

        assertEquals(expectedTarget, ig.target());
        assertArrayEquals(new int[] {prompt.length - 1}, ig.positions());
        INDArray ours = ig.attribution().reshape(expected.length()).castTo(DataType.DOUBLE);
        double relError = ours.sub(expected).amaxNumber().doubleValue() / expected.amaxNumber().doubleValue();
        assertTrue(relError < 1e-3, family + ": relative error " + relError);
    }
}
