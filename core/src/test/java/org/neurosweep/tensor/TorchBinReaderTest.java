package org.neurosweep.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.neurosweep.tensor.TensorAssertions.assertSameTensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * torch.save checkpoints made by scripts/make-torch-bin-fixtures.py with PyTorch, against the values PyTorch itself
 * exported to expected.safetensors; and the restricted unpickler's refusals.
 */
class TorchBinReaderTest {

    @TempDir
    Path tmp;

    private static Path fixture(String name) {
        try {
            return Path.of(TorchBinReaderTest.class.getResource("/torchbin/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void stateDictEqualsWhatTorchExported() throws IOException {
        try (TensorSource bin = TensorSources.open(fixture("state_dict.bin"));
             TensorSource expected = TensorSources.open(fixture("expected.safetensors"))) {
            assertInstanceOf(TorchBinReader.class, bin);
            assertEquals(expected.names(), bin.names());
            for (String name : expected.names()) {
                assertSameTensor(name, expected.load(name), bin.load(name));
                assertSameTensor(name + " f-order", expected.load(name), bin.load(name, 'f'));
            }
        }
    }

    @Test
    void storedDtypesAreReportedAndWidened() throws IOException {
        try (TorchBinReader bin = TorchBinReader.open(fixture("state_dict.bin"))) {
            Map<String, DType> expected = Map.of("base", DType.F32, "half", DType.F16, "bf16", DType.BF16, "i64", DType.I64,
                    "i32", DType.I32, "i8", DType.I8, "u8", DType.U8, "mask", DType.BOOL);
            expected.forEach((name, dtype) -> assertEquals(dtype, bin.dtype(name), name));
            assertEquals(DataType.FLOAT, bin.load("half").dataType());
            assertEquals(DataType.INT64, bin.load("i64").dataType());
            assertEquals(1L << 40, bin.load("i64").getLong(3));
            assertEquals(200, bin.load("u8").getInt(2));
            float[] half = bin.load("half").toFloatVector();
            assertEquals(0x1p-24f, half[6], 0f, "smallest subnormal");
            assertEquals(1023 * 0x1p-24f, half[8], 0f, "largest subnormal");
            assertEquals(Float.POSITIVE_INFINITY, half[9]);
            assertTrue(Float.isNaN(half[11]));
            assertArrayEquals(new long[0], bin.shape("scalar"));
            assertEquals(3.5f, bin.load("scalar").getFloat(0), 0f);
            assertArrayEquals(new long[] {0, 3}, bin.load("empty").shape());
        }
    }

    /** base_t, row2 and cols are views of base's storage: transposed, offset 14, offset 1 with stride (7, 2). */
    @Test
    void viewsOfASharedStorageFollowOffsetAndStrides() throws IOException {
        try (TorchBinReader bin = TorchBinReader.open(fixture("state_dict.bin"))) {
            INDArray base = bin.load("base");
            assertSameTensor("base_t", base.transpose().dup('c'), bin.load("base_t"));
            assertSameTensor("row2", base.getRow(2).dup('c'), bin.load("row2"));
            INDArray cols = bin.load("cols");
            assertArrayEquals(new long[] {5, 3}, cols.shape());
            for (int r = 0; r < 5; r++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(base.getFloat(r, 1 + 2 * c), cols.getFloat(r, c), 0f, "cols[" + r + "," + c + "]");
                }
            }
        }
    }

    @Test
    void hadoopPositionedReadsGiveTheSameTensors() throws IOException {
        Path file = fixture("state_dict.bin");
        try (TensorSource hadoop = TensorSources.openHadoop(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration());
             TensorSource mapped = TensorSources.open(file)) {
            assertTrue(hadoop.location().startsWith("file:"), hadoop.location());
            for (String name : mapped.names()) {
                assertSameTensor(name, mapped.load(name), hadoop.load(name));
            }
        }
    }

    @Test
    void osSystemGlobalIsRefused() {
        Path file = fixture("malicious_os_system.bin");
        UnsafePickleException e = assertThrows(UnsafePickleException.class, () -> TorchBinReader.open(file));
        assertTrue(e.getMessage().contains("'os.system'") && e.getMessage().contains(file.toString())
                && e.getMessage().contains("malicious/data.pkl"), e.getMessage());
    }

    /** Protocol 4: SHORT_BINUNICODE 'builtins', SHORT_BINUNICODE 'eval', STACK_GLOBAL, ... */
    @Test
    void stackGlobalOfBuiltinsEvalIsRefused() {
        ByteArrayOutputStream pickle = new ByteArrayOutputStream();
        pickle.writeBytes(new byte[] {(byte) 0x80, 4, (byte) 0x8c, 8});
        pickle.writeBytes("builtins".getBytes(StandardCharsets.US_ASCII));
        pickle.writeBytes(new byte[] {(byte) 0x8c, 4});
        pickle.writeBytes("eval".getBytes(StandardCharsets.US_ASCII));
        pickle.writeBytes(new byte[] {(byte) 0x93, (byte) 0x8c, 1, '1', (byte) 0x85, 'R', '.'});
        UnsafePickleException e = assertThrows(UnsafePickleException.class,
                () -> new RestrictedUnpickler("test.pkl", ByteBuffer.wrap(pickle.toByteArray())).load());
        assertTrue(e.getMessage().contains("'builtins.eval'"), e.getMessage());
    }

    @Test
    void malformedPicklesFailWithoutLargeAllocations() {
        byte[] truncated = {(byte) 0x80, 2, 'X', 5, 0, 0, 0, 'a', 'b'};
        assertTrue(unpickleError(truncated).contains("exceeds the 2 bytes left"));
        byte[] hugeString = {(byte) 0x80, 2, 'X', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f};
        assertTrue(unpickleError(hugeString).contains("length 2147483647 exceeds"));
        byte[] inst = {(byte) 0x80, 2, 'i', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n', '.'};
        assertTrue(unpickleError(inst).contains("unsupported pickle opcode 0x69"));
        byte[] noStop = {(byte) 0x80, 2, '}'};
        assertTrue(unpickleError(noStop).contains("truncated pickle"));
        byte[] emptyStack = {(byte) 0x80, 2, '.'};
        assertTrue(unpickleError(emptyStack).contains("stack underflow"));
        byte[] cyclicBuild = {(byte) 0x80, 2, ']', '2', 'a', '}', 'b', '.'}; // a list inside itself, then BUILD on it
        assertTrue(unpickleError(cyclicBuild).contains("BUILD on sequence of 1"));
        byte[] badPersistentId = {(byte) 0x80, 2, 'K', 7, 'Q', '.'};
        assertTrue(unpickleError(badPersistentId).contains("persistent id Long 7"));
    }

    private static String unpickleError(byte[] pickle) {
        return assertThrows(TensorFormatException.class, () -> new RestrictedUnpickler("t.pkl", ByteBuffer.wrap(pickle)).load())
                .getMessage();
    }

    @Test
    void nonZipFilesAreNotTorchCheckpoints() throws IOException {
        byte[] legacyPickle = new byte[64]; // a bare pickle (pre-1.6 torch.save) with no zip records
        legacyPickle[0] = (byte) 0x80;
        legacyPickle[1] = 2;
        legacyPickle[2] = '}';
        legacyPickle[3] = '.';
        Path legacy = Files.write(tmp.resolve("legacy.bin"), legacyPickle);
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> TensorSources.open(legacy));
        assertTrue(e.getMessage().contains(legacy.toString()) && e.getMessage().contains("zip"), e.getMessage());
    }
}
