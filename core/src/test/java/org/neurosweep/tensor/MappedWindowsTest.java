package org.neurosweep.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.neurosweep.tensor.TensorAssertions.assertSameTensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.testutil.RepoPaths;

/**
 * Files over 2 GB are mapped in windows of 1 GiB; here the window is made small so that tensors, and single elements,
 * straddle window boundaries in a small file.
 */
class MappedWindowsTest {

    @TempDir
    Path tmp;

    @Test
    void tensorsAcrossSmallWindowsEqualOneWindowReads() throws IOException {
        Path file = RepoPaths.golden("llama").resolve("model.safetensors");
        for (long window : new long[] {4099, 65_537}) {
            try (SafetensorsReader whole = SafetensorsReader.open(file);
                 SafetensorsReader windowed = SafetensorsReader.open(file, window)) {
                assertTrue(straddlers(windowed, window) > 0, "some tensor crosses a boundary of " + window + "-byte windows");
                for (String name : whole.names()) {
                    assertSameTensor(name + " @" + window, whole.load(name), windowed.load(name, 'c'));
                }
            }
        }
    }

    /** Windows of 3 and 5 bytes: every multi-byte element of every dtype straddles some boundary. */
    @Test
    void elementsSplitAcrossWindowsDecodeForEveryDtype() throws IOException {
        Map<String, INDArray> tensors = Map.of(
                "f", Nd4j.rand(DataType.FLOAT, 3, 5),
                "i32", Nd4j.createFromArray(new int[] {Integer.MIN_VALUE, -1, 0, 7, Integer.MAX_VALUE}),
                "i64", Nd4j.createFromArray(new long[] {Long.MIN_VALUE, -1, 1L << 40, Long.MAX_VALUE}),
                "u8", Nd4j.createFromArray(new byte[] {0, 1, (byte) 200, (byte) 255}).castTo(DataType.UINT8));
        Path file = tmp.resolve("small.safetensors");
        new SafetensorsWriter(DType.F32, Map.of()).write(file, tensors);
        Path bf16File = tmp.resolve("small-bf16.safetensors");
        new SafetensorsWriter(DType.BF16, Map.of()).write(bf16File, Map.of("b", tensors.get("f")));
        for (long window : new long[] {3, 5}) {
            try (SafetensorsReader windowed = SafetensorsReader.open(file, window);
                 SafetensorsReader bf16 = SafetensorsReader.open(bf16File, window);
                 SafetensorsReader bf16Whole = SafetensorsReader.open(bf16File)) {
                for (String name : tensors.keySet()) {
                    assertSameTensor(name + " @" + window, tensors.get(name), windowed.load(name));
                }
                assertSameTensor("bf16 @" + window, bf16Whole.load("b"), bf16.load("b"));
            }
        }
    }

    @Test
    void stitchedReadsReturnExactlyTheRequestedBytes() throws IOException {
        Path file = tmp.resolve("bytes.bin");
        byte[] content = new byte[1000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + 7);
        }
        Files.write(file, content);
        try (MappedFileBytes bytes = new MappedFileBytes(file, 64)) {
            ByteBuffer span = bytes.read(60, 200); // windows 0..4
            for (int i = 0; i < 200; i++) {
                assertEquals(content[60 + i], span.get(i), "byte " + (60 + i));
            }
            assertEquals(200, span.remaining());
            assertThrows(java.io.EOFException.class, () -> bytes.read(990, 11));
        }
        assertThrows(IllegalArgumentException.class, () -> new MappedFileBytes(file, (1L << 30) + 1));
    }

    private static long straddlers(SafetensorsReader reader, long window) throws IOException {
        try (RandomAccessBytes file = new MappedFileBytes(Path.of(reader.location()))) {
            return SafetensorsHeader.read(file).tensors().values().stream()
                    .filter(t -> t.position() / window != (t.position() + t.byteLength() - 1) / window)
                    .count();
        }
    }

    /** close() unmaps the windows at once (not when collected): a read after it fails cleanly, never touches them. */
    @Test
    void readsAfterCloseFailInsteadOfReadingAnUnmappedWindow() throws IOException {
        Path file = tmp.resolve("closed.bin");
        Files.write(file, new byte[256]);
        MappedFileBytes bytes = new MappedFileBytes(file, 64);
        assertEquals(16, bytes.read(32, 16).remaining());                 // maps window 0
        bytes.close();
        assertThrows(IOException.class, () -> bytes.read(32, 16));
    }
}
