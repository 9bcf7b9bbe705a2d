package org.neurosweep.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.neurosweep.tensor.TensorAssertions.assertSameTensor;
import static org.neurosweep.tensor.TensorAssertions.rowMajorFloats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Writer → reader round trips, and the layout rules the Hugging Face safetensors library enforces on load. */
class SafetensorsWriterTest {

    @TempDir
    Path tmp;

    private static Map<String, INDArray> mixedTensors() {
        Nd4j.getRandom().setSeed(42);
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        tensors.put("z.weight", Nd4j.randn(DataType.FLOAT, 4, 6));
        tensors.put("a.bias", Nd4j.randn(DataType.FLOAT, 6));
        tensors.put("ids", Nd4j.createFromArray(new int[][] {{1, 2, 3}, {4, 5, -6}}));
        tensors.put("step", Nd4j.createFromArray(new long[] {1L << 40}));
        tensors.put("mask", Nd4j.createFromArray(new boolean[] {true, false, true}));
        tensors.put("scalar", Nd4j.scalar(2.5f));
        tensors.put("empty", Nd4j.create(DataType.FLOAT, 0, 3));
        return tensors;
    }

    @Test
    void f32RoundTripIsExact() throws IOException {
        Map<String, INDArray> tensors = mixedTensors();
        Path file = tmp.resolve("model.safetensors");
        new SafetensorsWriter(DType.F32, Map.of("format", "pt", "step", "100")).write(file, tensors);
        try (TensorSource source = TensorSources.open(file)) {
            assertEquals(tensors.keySet(), source.names());
            for (String name : tensors.keySet()) {
                assertSameTensor(name, tensors.get(name), source.load(name));
            }
            assertEquals(DType.BOOL, source.dtype("mask"));
            assertEquals(DType.I64, source.dtype("step"));
            assertEquals(Map.of("format", "pt", "step", "100"), source.metadata());
        }
    }

    /** Views, transposes and f-ordered arrays are written in row-major order of their logical shape. */
    @Test
    void viewsAndColumnMajorArraysAreWrittenRowMajor() throws IOException {
        INDArray base = Nd4j.arange(0, 24).castTo(DataType.FLOAT).reshape(4, 6);
        Map<String, INDArray> tensors = Map.of(
                "transposed", base.transpose(),
                "slice", base.get(NDArrayIndex.interval(1, 3), NDArrayIndex.interval(2, 5)),
                "f_order", base.dup('f'),
                "doubles", base.castTo(DataType.DOUBLE));
        Path file = tmp.resolve("views.safetensors");
        new SafetensorsWriter().write(file, tensors);
        try (TensorSource source = TensorSources.open(file)) {
            assertSameTensor("transposed", base.transpose().dup('c'), source.load("transposed"));
            assertSameTensor("slice", base.get(NDArrayIndex.interval(1, 3), NDArrayIndex.interval(2, 5)).dup('c'),
                    source.load("slice"));
            assertSameTensor("f_order", base, source.load("f_order"));
            assertSameTensor("doubles", base, source.load("doubles"));
        }
    }

    @Test
    void bf16AndF16NarrowToTheNearestValue() throws IOException {
        INDArray x = Nd4j.randn(DataType.FLOAT, 64, 33).muli(100);
        x.putScalar(0, 70000f); // beyond F16: becomes infinity there
        x.putScalar(1, 1e-6f); // F16 subnormal
        Path bf16File = tmp.resolve("bf16.safetensors");
        Path f16File = tmp.resolve("f16.safetensors");
        new SafetensorsWriter(DType.BF16, Map.of()).write(bf16File, Map.of("x", x));
        new SafetensorsWriter(DType.F16, Map.of()).write(f16File, Map.of("x", x));
        float[] original = rowMajorFloats(x);
        try (TensorSource bf16 = TensorSources.open(bf16File); TensorSource f16 = TensorSources.open(f16File)) {
            assertEquals(DType.BF16, bf16.dtype("x"));
            assertEquals(DType.F16, f16.dtype("x"));
            assertEquals(bf16File.toFile().length() - 8 - headerLength(bf16File), original.length * 2L);
            float[] b = rowMajorFloats(bf16.load("x"));
            float[] h = rowMajorFloats(f16.load("x"));
            for (int i = 0; i < original.length; i++) {
                assertTrue(Math.abs(b[i] - original[i]) <= Math.abs(original[i]) * 0x1p-8f, "bf16 [" + i + "]");
                if (i == 0) {
                    assertEquals(Float.POSITIVE_INFINITY, h[i]);
                } else if (i == 1) {
                    assertEquals(Math.rint(1e-6 * 0x1p24) * 0x1p-24, h[i], 1e-12, "nearest subnormal");
                } else {
                    assertTrue(Math.abs(h[i] - original[i]) <= Math.abs(original[i]) * 0x1p-11f + 0x1p-25f, "f16 [" + i + "]");
                }
            }
        }
    }

    /**
     * What safetensors' Rust loader checks: header length, valid UTF-8 JSON, offsets that tile the data region in order
     * from 0 without gaps; plus what this writer promises: a header padded with spaces to 8 bytes, sorted keys.
     */
    @Test
    void layoutFollowsTheSafetensorsFormat() throws IOException {
        Map<String, INDArray> tensors = mixedTensors();
        Path file = tmp.resolve("layout.safetensors");
        new SafetensorsWriter(DType.F16, Map.of("b", "2", "a", "1")).write(file, tensors);
        byte[] bytes = Files.readAllBytes(file);
        long n = headerLength(file);
        assertEquals(0, n % 8, "header padded to a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"a\":\"1\",\"b\":\"2\"}"), header);
        assertEquals(header.stripTrailing().length(), header.indexOf('}', header.lastIndexOf('}')) + 1);
        assertTrue(header.substring(header.stripTrailing().length()).chars().allMatch(c -> c == ' '), "padding is spaces");
        JsonNode root = new ObjectMapper().readTree(header);
        List<String> names = new ArrayList<>();
        long expectedBegin = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            names.add(e.getKey());
            JsonNode offsets = e.getValue().get("data_offsets");
            assertEquals(expectedBegin, offsets.get(0).asLong(), e.getKey() + " starts where the previous ended");
            long numel = 1;
            for (JsonNode d : e.getValue().get("shape")) {
                numel *= d.asLong();
            }
            int size = DType.fromHeaderName(e.getValue().get("dtype").asText()).byteSize();
            assertEquals(numel * size, offsets.get(1).asLong() - offsets.get(0).asLong(), e.getKey());
            expectedBegin = offsets.get(1).asLong();
        }
        assertEquals(bytes.length - 8 - n, expectedBegin, "offsets end at the end of the file");
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        assertEquals(sorted, names, "tensor keys sorted");
        assertEquals("F16", root.get("z.weight").get("dtype").asText());
        assertEquals("I32", root.get("ids").get("dtype").asText());
        assertEquals("BOOL", root.get("mask").get("dtype").asText());
        assertArrayEquals(new long[0], toLongs(root.get("scalar").get("shape")));
    }

    @Test
    void unwritableInputsAreRejectedWithTheTensorNamed() {
        SafetensorsWriter writer = new SafetensorsWriter();
        IllegalArgumentException shortType = assertThrows(IllegalArgumentException.class, () -> writer.write(
                tmp.resolve("x.safetensors"), Map.of("shorts", Nd4j.create(DataType.INT16, 2))));
        assertTrue(shortType.getMessage().contains("shorts"), shortType.getMessage());
        assertThrows(IllegalArgumentException.class, () -> writer.write(tmp.resolve("y.safetensors"),
                Map.of("__metadata__", Nd4j.zeros(2))));
        assertThrows(IllegalArgumentException.class, () -> new SafetensorsWriter(DType.I32, Map.of()));
        assertTrue(Arrays.stream(tmp.toFile().list()).noneMatch(f -> f.startsWith("x.safetensors")), "no partial file left");
    }

    private static long headerLength(Path file) throws IOException {
        byte[] head = new byte[8];
        try (var in = Files.newInputStream(file)) {
            assertEquals(8, in.readNBytes(head, 0, 8));
        }
        return ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static long[] toLongs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asLong();
        }
        return values;
    }
}
