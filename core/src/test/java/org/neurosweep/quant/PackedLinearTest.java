package org.neurosweep.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Linear16Test;
import org.neurosweep.autograd.Tape;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.testutil.RepoPaths;

/**
 * The quantized-resident forward: a packed layer dequantizes to {@link QuantizedLinear#weight()} bit for bit (any
 * width, act-order groups, δ), and a model loaded with {@link GptqCheckpoint#loadPacked} computes the same hidden
 * states as the checkpoint dequantized up front ({@link GptqCheckpoint#load}) bit for bit — the golden tiny Llama's
 * outside-made GPTQ checkpoints and the world model {@code dense} at 4 and 2 bits, plain and with LoTA offsets —
 * holding no fp32 copy of a quantized projection and decoding none to fp32 on the way. Its logits are equal bit for bit where the lm_head is fp32 (the
 * golden checkpoints hold fp32 values); the bf16 world model's embedding and lm_head stay bf16 and its logits agree to
 * fp32 rounding (the block-wise head's summation order, {@code Linear16Test}). A recorded forward back-propagates through the packed projections as through fp32 ones.
 */
class PackedLinearTest {

    private static final Batch BATCH = Batch.rightPadded(List.of(new int[] {5, 17, 300, 2, 999, 41, 7},
            new int[] {1, 2, 3}), 0);

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 8})
    void dequantizesAsTheQuantizedLayer(int bits) {
        Nd4j.getRandom().setSeed(bits);
        QuantizedLinear q = RoundToNearest.quantize(Nd4j.randn(DataType.FLOAT, 48, 128), bits, 32);
        int[] order = new int[128];
        for (int i = 0; i < 128; i++) {
            order[i] = (i * 37) % 128;                                        // a permutation: act-order-like groups
        }
        int[] gIdx = new int[128];
        for (int i = 0; i < 128; i++) {
            gIdx[order[i]] = i / 32;
        }
        QuantizedLinear shuffled = new QuantizedLinear(bits, GroupIndex.of(gIdx, 32), q.codes(), q.zeros(), q.scales(),
                Nd4j.randn(DataType.FLOAT, 48, 4).muli(0.3));
        for (QuantizedLinear layer : List.of(q, shuffled)) {
            PackedLinear packed = PackedLinear.of(layer);
            TernaryAdapterTest.assertBitwiseEqual(layer.weight(), packed.dequantized().value().transpose());
            try (Tape ignored = Tape.record()) {                                 // the fresh-array path
                TernaryAdapterTest.assertBitwiseEqual(layer.weight(), packed.dequantized().value().transpose());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama_gptq2", "llama_gptq3", "llama_gptq4", "llama_gptq8", "llama_gptq4_torch"})
    void goldenGptqCheckpointsGiveTheDequantizedModelsLogits(String name) {
        Path dir = RepoPaths.golden("gptq").resolve(name);
        CausalLM packed = GptqCheckpoint.loadPacked(dir);
        assertSameLogits(GptqCheckpoint.load(dir, w -> false), packed);
        assertEquals(DataType.FLOAT, packed.parameters().get("lm_head.weight").value().dataType());   // fp32 values
    }

    @Test
    void thePackedLoadDecodesNoQuantizedModuleToFp32() {
        Path dir = RepoPaths.golden("gptq").resolve("llama_gptq4");
        long before = GptqTensors.denseDecodes();
        CausalLM packed = GptqCheckpoint.loadPacked(dir);
        assertEquals(before, GptqTensors.denseDecodes(), "(out, in) fp32 arrays decoded by loadPacked");
        GptqCheckpoint.load(dir, w -> false);                               // the counter sees the dequantizing load
        assertEquals(before + 7L * packed.config().numLayers(), GptqTensors.denseDecodes());
    }

    @Test
    void worldDenseAt4And2BitsWithAndWithoutOffsets() throws IOException {
        Path source = RepoPaths.world("dense");
        CausalLM dense = CausalLM.load(source);
        for (int bits : new int[] {4, 2}) {
            Map<String, QuantizedLinear> layers = LotaQaf.quantize(CausalLM.load(source),
                    LotaQaf.targets(LotaQaf.DEFAULT_TARGETS), bits, 64);
            Path plain = tmp.resolve("q" + bits);
            GptqCheckpoint.save(dense, layers, source, plain, ZeroFormat.V2);
            CausalLM packed = GptqCheckpoint.loadPacked(plain);
            assertSameLogits(GptqCheckpoint.load(plain, w -> false), packed);
            for (String table : List.of("model.embed_tokens.weight", "lm_head.weight")) {           // a bf16 model's
                assertEquals(DataType.BFLOAT16, packed.parameters().get(table).value().dataType(), table);
            }

            Map<String, QuantizedLinear> merged = new TreeMap<>();               // a LoTA-QAF merge's shape: δ per group
            Nd4j.getRandom().setSeed(bits);
            layers.forEach((m, q) -> merged.put(m, q.withCodes(q.codes(),
                    Nd4j.randn(DataType.FLOAT, q.out(), q.groups().groups()).muli(0.2))));
            Path withOffsets = tmp.resolve("lota" + bits);
            GptqCheckpoint.save(dense, merged, source, withOffsets, ZeroFormat.V2);
            assertSameLogits(GptqCheckpoint.load(withOffsets, w -> false), GptqCheckpoint.loadPacked(withOffsets));
        }
    }

    @Test
    void aRecordedForwardBackPropagatesThroughPackedProjections() {
        Path dir = RepoPaths.golden("gptq").resolve("llama_gptq4");
        String embed = HookNames.EMBED;
        INDArray expected = embedGradient(GptqCheckpoint.load(dir, w -> false), embed);
        INDArray actual = embedGradient(GptqCheckpoint.loadPacked(dir), embed);
        assertNotEquals(0.0, expected.amaxNumber().doubleValue());
        TernaryAdapterTest.assertBitwiseEqual(expected, actual);
    }

    private static INDArray embedGradient(CausalLM model, String hook) {
        try (Tape tape = Tape.record(); Forward f = model.forward(BATCH, new Hooks().watch(hook), null)) {
            tape.backward(f.logits(), Nd4j.ones(DataType.FLOAT, f.logits().shape()));
            return f.watched(hook).grad();
        }
    }

    private static void assertSameLogits(CausalLM dequantized, CausalLM packed) {
        assertTrue(dequantized.parameters().containsKey("model.layers.0.mlp.down_proj.weight"));
        assertFalse(packed.parameters().containsKey("model.layers.0.mlp.down_proj.weight"));
        assertEquals(dequantized.parameters().size() - 7 * dequantized.config().numLayers(), packed.parameters().size());
        boolean fp32Head = packed.parameters().get("lm_head.weight").value().dataType() == DataType.FLOAT;
        Hooks hooks = new Hooks().capture(HookNames.FINAL_NORM);
        for (Batch batch : List.of(BATCH, Batch.of(new int[] {9}))) {                    // one token: the GEMV path
            try (Forward a = dequantized.forward(batch, hooks, null); Forward b = packed.forward(batch, hooks, null)) {
                TernaryAdapterTest.assertBitwiseEqual(a.captures().get(HookNames.FINAL_NORM),
                        b.captures().get(HookNames.FINAL_NORM));
                float[] expected = a.logits().value().dup('c').data().asFloat();
                float[] actual = b.logits().value().dup('c').data().asFloat();
                if (fp32Head) {
                    assertArrayEquals(expected, actual);
                } else {
                    Linear16Test.assertClose(expected, actual);
                }
            }
        }
    }
}
