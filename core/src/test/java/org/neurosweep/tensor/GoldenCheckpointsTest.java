package org.neurosweep.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.neurosweep.tensor.TensorAssertions.assertSameTensor;
import static org.neurosweep.tensor.TensorAssertions.rowMajorFloats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.testutil.RepoPaths;

/** Every golden model of data/golden read through {@link TensorSources}, checked against config.json and the raw bytes. */
class GoldenCheckpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> models() {
        return Stream.of("gpt_neox", "llama", "llama_bf16", "llama_sharded", "llama_tied", "mistral", "mixtral", "olmoe",
                "qwen2", "qwen2_moe");
    }

    @ParameterizedTest
    @MethodSource("models")
    void everyTensorLoadsWithItsDeclaredShapeInBothOrders(String model) throws IOException {
        Path dir = RepoPaths.golden(model);
        JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
        try (TensorSource source = TensorSources.open(dir)) {
            assertTrue(source.names().size() > 10, model + " has its weights");
            boolean sawEmbedding = false;
            for (String name : source.names()) {
                INDArray c = source.load(name);
                assertEquals(DataType.FLOAT, c.dataType(), name);
                assertArrayEquals(source.shape(name), c.shape(), name);
                assertEquals('c', c.ordering(), name);
                for (float v : rowMajorFloats(c)) {
                    if (!Float.isFinite(v)) {
                        fail(name + " holds " + v);
                    }
                }
                INDArray f = source.load(name, 'f');
                if (c.rank() >= 2) {
                    assertEquals('f', f.ordering(), name);
                }
                assertSameTensor(name + " f-order", c, f);
                if (name.endsWith("embed_tokens.weight") || name.endsWith("embed_in.weight")) {
                    sawEmbedding = true;
                    assertArrayEquals(new long[] {config.get("vocab_size").asLong(), config.get("hidden_size").asLong()},
                            c.shape(), name + " is (vocab, d_model)");
                }
            }
            assertTrue(sawEmbedding, model + " has a token embedding");
        }
    }

    /** First and last element of every tensor of a single-file model, decoded by hand from the raw file. */
    @ParameterizedTest
    @MethodSource("models")
    void valuesMatchTheRawBytes(String model) throws IOException {
        Path file = RepoPaths.golden(model).resolve("model.safetensors");
        if (!Files.exists(file)) {
            file = RepoPaths.golden(model).resolve("model-00003-of-00005.safetensors");
        }
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "r"); TensorSource source = SafetensorsReader.open(file)) {
            long headerLength = Long.reverseBytes(raw.readLong());
            byte[] headerBytes = new byte[(int) headerLength];
            raw.readFully(headerBytes);
            JsonNode header = JSON.readTree(headerBytes);
            int checked = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                String dtype = e.getValue().get("dtype").asText();
                int size = dtype.equals("F32") ? 4 : 2;
                long begin = 8 + headerLength + e.getValue().get("data_offsets").get(0).asLong();
                long end = 8 + headerLength + e.getValue().get("data_offsets").get(1).asLong();
                float[] values = rowMajorFloats(source.load(e.getKey()));
                assertEquals(rawElement(raw, begin, dtype), values[0], 0f, e.getKey() + " first element");
                assertEquals(rawElement(raw, end - size, dtype), values[values.length - 1], 0f, e.getKey() + " last element");
                checked++;
            }
            assertEquals(source.names().size(), checked);
        }
    }

    private static float rawElement(RandomAccessFile raw, long position, String dtype) throws IOException {
        byte[] bytes = new byte[4];
        raw.seek(position);
        raw.readFully(bytes, 0, dtype.equals("F32") ? 4 : 2);
        ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return dtype.equals("F32") ? le.getFloat(0) : Float.intBitsToFloat((le.getShort(0) & 0xffff) << 16);
    }

    @Test
    void shardedLlamaEqualsUnshardedLlamaTensorByTensor() throws IOException {
        try (TensorSource sharded = TensorSources.open(RepoPaths.golden("llama_sharded"));
             TensorSource single = TensorSources.open(RepoPaths.golden("llama").resolve("model.safetensors"))) {
            assertEquals(single.names(), sharded.names());
            for (String name : single.names()) {
                assertSameTensor(name, single.load(name), sharded.load(name));
            }
            assertEquals("968448", sharded.metadata().get("total_size"), "index metadata is exposed");
        }
    }

    /** llama_bf16 holds llama's fp32 weights rounded to bf16 (nearest even): widened back, they equal that rounding. */
    @Test
    void bf16LlamaIsF32LlamaRoundedToBf16() throws IOException {
        try (TensorSource bf16 = TensorSources.open(RepoPaths.golden("llama_bf16"));
             TensorSource f32 = TensorSources.open(RepoPaths.golden("llama"))) {
            assertEquals(f32.names(), bf16.names());
            for (String name : f32.names()) {
                assertEquals(DType.BF16, bf16.dtype(name));
                float[] wide = rowMajorFloats(f32.load(name));
                float[] narrow = rowMajorFloats(bf16.load(name));
                assertEquals(wide.length, narrow.length, name);
                for (int i = 0; i < wide.length; i++) {
                    boolean isBf16 = (Float.floatToRawIntBits(narrow[i]) & 0xffff) == 0;
                    boolean close = Math.abs(narrow[i] - wide[i]) <= Math.abs(wide[i]) * 0x1p-8f;
                    boolean nearestEven = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(wide[i])) == narrow[i];
                    if (!isBf16 || !close || !nearestEven) {
                        fail(name + "[" + i + "]: bf16 " + narrow[i] + " for fp32 " + wide[i]);
                    }
                }
            }
        }
    }

    @Test
    void referenceDumpsHoldIntegerInputsAndMetadata() throws IOException {
        try (TensorSource reference = TensorSources.open(RepoPaths.golden("llama").resolve("reference.safetensors"));
             TensorSource model = TensorSources.open(RepoPaths.golden("llama"))) {
            assertEquals(DType.I32, reference.dtype("input_ids"));
            INDArray ids = reference.load("input_ids");
            INDArray mask = reference.load("attention_mask");
            assertEquals(DataType.INT32, ids.dataType());
            assertTrue(ids.minNumber().intValue() >= 0 && ids.maxNumber().intValue() < 1024, "token ids lie in the vocabulary");
            assertTrue(mask.minNumber().intValue() >= 0 && mask.maxNumber().intValue() == 1, "mask is 0/1");
            assertArrayEquals(new long[] {ids.size(0), ids.size(1), 1024}, reference.shape("logits"));
            assertEquals(Map.of("format", "pt"), model.metadata());
        }
    }
}
