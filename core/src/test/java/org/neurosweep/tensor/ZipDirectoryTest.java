package org.neurosweep.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zip central directories as torch.save writes them: plain, ZIP64 (checkpoints over 4 GB), and unsupported variants. */
class ZipDirectoryTest {

    @TempDir
    Path tmp;

    private static String text(RandomAccessBytes file, ZipDirectory.Entry e) throws IOException {
        return StandardCharsets.UTF_8.decode(file.read(e.dataPosition(), (int) e.size())).toString();
    }

    @Test
    void storedEntriesOfAJavaWrittenZipAreReadInPlace() throws IOException {
        Path zip = tmp.resolve("plain.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            stored(out, "archive/data.pkl", "pickle bytes");
            stored(out, "archive/data/0", "storage zero");
        }
        try (RandomAccessBytes file = new MappedFileBytes(zip)) {
            ZipDirectory dir = ZipDirectory.read(file);
            assertEquals(2, dir.entries().size());
            assertEquals("pickle bytes", text(file, dir.entries().get("archive/data.pkl")));
            assertEquals("storage zero", text(file, dir.entries().get("archive/data/0")));
        }
    }

    private static void stored(ZipOutputStream out, String name, String content) throws IOException {
        stored(out, name, content.getBytes(StandardCharsets.UTF_8));
    }

    private static void stored(ZipOutputStream out, String name, byte[] bytes) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setCrc(crc.getValue());
        out.putNextEntry(entry);
        out.write(bytes);
        out.closeEntry();
    }

    /** Sizes and offsets of 0xffffffff with the real values in ZIP64 extra fields and a ZIP64 end record. */
    @Test
    void zip64RecordsAreFollowed() throws IOException {
        byte[] content = "zip64 payload".getBytes(StandardCharsets.UTF_8);
        byte[] name = "big/data/0".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        put(zip, le(30).putInt(0x04034b50).putShort((short) 45).putShort((short) 0).putShort((short) 0).putInt(0).putInt(0)
                .putInt(-1).putInt(-1).putShort((short) name.length).putShort((short) 20));
        zip.writeBytes(name);
        put(zip, le(20).putShort((short) 1).putShort((short) 16).putLong(content.length).putLong(content.length));
        zip.writeBytes(content);
        long directoryStart = zip.size();
        put(zip, le(46).putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0).putShort((short) 0)
                .putInt(0).putInt(0).putInt(-1).putInt(-1).putShort((short) name.length).putShort((short) 28)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(-1));
        zip.writeBytes(name);
        put(zip, le(28).putShort((short) 1).putShort((short) 24).putLong(content.length).putLong(content.length).putLong(0));
        long directorySize = zip.size() - directoryStart;
        long zip64End = zip.size();
        put(zip, le(56).putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                .putLong(1).putLong(1).putLong(directorySize).putLong(directoryStart));
        put(zip, le(20).putInt(0x07064b50).putInt(0).putLong(zip64End).putInt(1));
        put(zip, le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) -1).putShort((short) -1)
                .putInt(-1).putInt(-1).putShort((short) 0));
        Path file = Files.write(tmp.resolve("zip64.zip"), zip.toByteArray());
        try (RandomAccessBytes bytes = new MappedFileBytes(file)) {
            ZipDirectory.Entry entry = ZipDirectory.read(bytes).entries().get("big/data/0");
            assertEquals(content.length, entry.size());
            assertEquals("zip64 payload", text(bytes, entry));
        }
    }

    @Test
    void compressedPickleIsRejectedByName() throws IOException {
        Path zip = tmp.resolve("deflated.bin");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("archive/data.pkl"));
            out.write(new byte[] {(byte) 0x80, 2, '}', '.'});
            out.closeEntry();
        }
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> TorchBinReader.open(zip));
        assertTrue(e.getMessage().contains("archive/data.pkl") && e.getMessage().contains("compressed"), e.getMessage());
    }

    @Test
    void emptyStateDictHasNoTensors() throws IOException {
        Path zip = tmp.resolve("empty.bin");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            stored(out, "archive/data.pkl", new byte[] {(byte) 0x80, 2, '}', '.'});
        }
        try (TorchBinReader reader = TorchBinReader.open(zip)) {
            assertTrue(reader.names().isEmpty());
        }
    }

    private static ByteBuffer le(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void put(OutputStream out, ByteBuffer buffer) throws IOException {
        if (buffer.hasRemaining()) {
            throw new IllegalStateException("record has " + buffer.remaining() + " unwritten bytes");
        }
        out.write(buffer.array());
    }
}
