package org.neurosweep.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;
import org.neurosweep.testutil.RepoPaths;

/** Malformed files fail with a {@link TensorFormatException} that names the file and, where there is one, the tensor. */
class SafetensorsErrorsTest {

    @TempDir
    Path tmp;

    /** 8-byte little-endian length, the header text, then {@code dataBytes} zero bytes. */
    private Path file(String name, String header, int dataBytes) throws IOException {
        byte[] text = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + text.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(text.length).put(text);
        return Files.write(tmp.resolve(name), bytes.array());
    }

    private static void assertFails(Executable open, String... mentions) {
        TensorFormatException e = assertThrows(TensorFormatException.class, open);
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), "message '" + e.getMessage() + "' mentions " + m);
        }
    }

    @Test
    void truncatedFile() throws IOException {
        byte[] whole = Files.readAllBytes(RepoPaths.golden("llama").resolve("model.safetensors"));
        Path cut = Files.write(tmp.resolve("cut.safetensors"), Arrays.copyOf(whole, whole.length - 100));
        assertFails(() -> SafetensorsReader.open(cut), cut.toString(), "truncated", "model.norm.weight");
        Path stub = Files.write(tmp.resolve("stub.safetensors"), new byte[] {1, 2, 3});
        assertFails(() -> SafetensorsReader.open(stub), stub.toString(), "truncated");
    }

    @Test
    void dataOffsetsBeyondTheFile() throws IOException {
        Path f = file("offsets.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[262144],\"data_offsets\":[8,1048584]}}", 16);
        assertFails(() -> SafetensorsReader.open(f), f.toString(), "'b'", "data_offsets [8, 1048584]", "16 data bytes");
        Path reversed = file("reversed.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8);
        assertFails(() -> SafetensorsReader.open(reversed), "'a'", "data_offsets [8, 0]");
    }

    @Test
    void shapeThatDisagreesWithTheByteLength() throws IOException {
        Path f = file("shape.safetensors", "{\"w\":{\"dtype\":\"BF16\",\"shape\":[3,2],\"data_offsets\":[0,8]}}", 8);
        assertFails(() -> SafetensorsReader.open(f), f.toString(), "'w'", "[3, 2]", "needs 12 bytes", "span 8");
        Path huge = file("overflow.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8);
        assertFails(() -> SafetensorsReader.open(huge), "'w'", "overflows");
        Path negative = file("negative.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8);
        assertFails(() -> SafetensorsReader.open(negative), "'w'", "shape element -2");
    }

    @Test
    void unknownDtype() throws IOException {
        Path f = file("dtype.safetensors", "{\"q\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4);
        assertFails(() -> SafetensorsReader.open(f), f.toString(), "'q'", "unknown dtype \"F8_E4M3\"");
    }

    @Test
    void headerLengthLargerThanTheFile() throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        Path f = Files.write(tmp.resolve("header.safetensors"), bytes.array());
        assertFails(() -> SafetensorsReader.open(f), f.toString(), "header length 1099511627776", "56 bytes");
        ByteBuffer negative = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L);
        Path g = Files.write(tmp.resolve("negative.safetensors"), negative.array());
        assertFails(() -> SafetensorsReader.open(g), "header length 18446744073709551615");
    }

    @Test
    void missingShard() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("sharded"));
        Path golden = RepoPaths.golden("llama_sharded");
        try (var files = Files.list(golden)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!p.getFileName().toString().equals("model-00003-of-00005.safetensors")) {
                    Files.copy(p, dir.resolve(p.getFileName()));
                }
            }
        }
        Path index = dir.resolve("model.safetensors.index.json");
        assertFails(() -> TensorSources.open(dir), index.toString(), "'model-00003-of-00005.safetensors'", "missing");
    }

    @Test
    void malformedHeaderJsonAndMetadata() throws IOException {
        Path json = file("json.safetensors", "{\"a\":{\"dtype\":\"F32\",", 0);
        assertFails(() -> SafetensorsReader.open(json), json.toString(), "not valid JSON");
        Path duplicate = file("dup.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", 0);
        assertFails(() -> SafetensorsReader.open(duplicate), "Duplicate field 'a'");
        Path metadata = file("meta.safetensors", "{\"__metadata__\":{\"step\":100}}", 0);
        assertFails(() -> SafetensorsReader.open(metadata), metadata.toString(), "'step'", "non-string");
        Path notObject = file("array.safetensors", "[1,2]", 0);
        assertFails(() -> SafetensorsReader.open(notObject), "not a JSON object");
    }

    @Test
    void unknownTensorNameIsAnArgumentError() throws IOException {
        try (TensorSource source = TensorSources.open(RepoPaths.golden("llama"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> source.load("no.such.weight"));
            assertTrue(e.getMessage().contains("no.such.weight") && e.getMessage().contains("model.safetensors"));
            assertThrows(IllegalArgumentException.class, () -> source.load("lm_head.weight", 'x'));
        }
    }
}
