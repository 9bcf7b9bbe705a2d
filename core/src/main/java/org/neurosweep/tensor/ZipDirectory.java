package org.neurosweep.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entries of a zip archive (torch.save's container), read from the central directory with ZIP64 support, so that
 * each entry's bytes can be read in place. Every size and offset is checked against the file before use; only stored
 * (uncompressed) entries are readable, which is all torch.save writes.
 */
final class ZipDirectory {

    /** One entry: its data starts at {@code dataPosition} and is {@code size} bytes long; {@code method} 0 = stored. */
    record Entry(String name, int method, long dataPosition, long size) {
    }

    static final long MAX_DIRECTORY_BYTES = 256L << 20;

    private static final int END_RECORD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_END_RECORD = 0x06064b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int END_RECORD_BYTES = 22;

    private final Map<String, Entry> entries;

    private ZipDirectory(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    Map<String, Entry> entries() {
        return entries;
    }

    static ZipDirectory read(RandomAccessBytes file) throws IOException {
        long endRecord = findEndRecord(file);
        ByteBuffer end = file.read(endRecord, END_RECORD_BYTES);
        long directorySize = Integer.toUnsignedLong(end.getInt(12));
        long directoryStart = Integer.toUnsignedLong(end.getInt(16));
        if (directorySize == 0xffffffffL || directoryStart == 0xffffffffL || (end.getShort(10) & 0xffff) == 0xffff) {
            ByteBuffer zip64 = zip64EndRecord(file, endRecord);
            directorySize = zip64.getLong(40);
            directoryStart = zip64.getLong(48);
        }
        if (directoryStart < 0 || directorySize < 0 || directorySize > MAX_DIRECTORY_BYTES
                || directoryStart > endRecord - directorySize) {
            throw bad(file, "central directory [" + directoryStart + ", +" + directorySize + ") does not fit before byte "
                    + endRecord);
        }
        return new ZipDirectory(parseDirectory(file, file.read(directoryStart, (int) directorySize)));
    }

    private static long findEndRecord(RandomAccessBytes file) throws IOException {
        int tail = (int) Math.min(file.size(), END_RECORD_BYTES + 0xffff);
        if (tail < END_RECORD_BYTES) {
            throw bad(file, "too short to be a zip archive (torch.save of torch >= 1.6)");
        }
        long tailStart = file.size() - tail;
        ByteBuffer buffer = file.read(tailStart, tail);
        for (int at = tail - END_RECORD_BYTES; at >= 0; at--) {
            if (buffer.getInt(at) == END_RECORD && at + END_RECORD_BYTES + (buffer.getShort(at + 20) & 0xffff) == tail) {
                return tailStart + at;
            }
        }
        throw bad(file, "no zip end-of-central-directory record: not a zip-format torch.save file");
    }

    private static ByteBuffer zip64EndRecord(RandomAccessBytes file, long endRecord) throws IOException {
        if (endRecord < 20 || file.read(endRecord - 20, 4).getInt(0) != ZIP64_LOCATOR) {
            throw bad(file, "ZIP64 sizes without a ZIP64 end-of-central-directory locator");
        }
        long position = file.read(endRecord - 20, 20).getLong(8);
        if (position < 0 || position > endRecord - 56 || file.read(position, 4).getInt(0) != ZIP64_END_RECORD) {
            throw bad(file, "ZIP64 end-of-central-directory record missing at byte " + position);
        }
        return file.read(position, 56);
    }

    private static Map<String, Entry> parseDirectory(RandomAccessBytes file, ByteBuffer dir) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        int at = 0;
        while (at + 46 <= dir.limit() && dir.getInt(at) == CENTRAL_HEADER) {
            int method = dir.getShort(at + 10) & 0xffff;
            long compressed = Integer.toUnsignedLong(dir.getInt(at + 20));
            long size = Integer.toUnsignedLong(dir.getInt(at + 24));
            int nameLength = dir.getShort(at + 28) & 0xffff;
            int extraLength = dir.getShort(at + 30) & 0xffff;
            int commentLength = dir.getShort(at + 32) & 0xffff;
            long localHeader = Integer.toUnsignedLong(dir.getInt(at + 42));
            int next = at + 46 + nameLength + extraLength + commentLength;
            if (next > dir.limit()) {
                throw bad(file, "central directory entry at directory byte " + at + " runs past the directory");
            }
            String name = StandardCharsets.UTF_8.decode(dir.slice(at + 46, nameLength)).toString();
            long[] wide = zip64Fields(dir.slice(at + 46 + nameLength, extraLength).order(dir.order()),
                    size, compressed, localHeader);
            entries.put(name, entry(file, name, method, wide[0], wide[1], wide[2]));
            at = next;
        }
        return entries;
    }

    /** {size, compressed, localHeader}, with 0xffffffff fields replaced from the ZIP64 extra field (id 1) in that order. */
    private static long[] zip64Fields(ByteBuffer extra, long size, long compressed, long localHeader) {
        long[] fields = {size, compressed, localHeader};
        for (int at = 0; at + 4 <= extra.limit(); ) {
            int id = extra.getShort(at) & 0xffff;
            int length = extra.getShort(at + 2) & 0xffff;
            if (id == 1) {
                int p = at + 4;
                for (int i = 0; i < 3; i++) {
                    if (fields[i] == 0xffffffffL && p + 8 <= Math.min(extra.limit(), at + 4 + length)) {
                        fields[i] = extra.getLong(p);
                        p += 8;
                    }
                }
            }
            at += 4 + length;
        }
        return fields;
    }

    private static Entry entry(RandomAccessBytes file, String name, int method, long size, long compressed,
                               long localHeader) throws IOException {
        if (localHeader < 0 || localHeader > file.size() - 30) {
            throw bad(file, "entry " + name + ": local header offset " + localHeader + " lies outside the file");
        }
        ByteBuffer local = file.read(localHeader, 30);
        if (local.getInt(0) != LOCAL_HEADER) {
            throw bad(file, "entry " + name + ": no local header at byte " + localHeader);
        }
        long data = localHeader + 30 + (local.getShort(26) & 0xffff) + (local.getShort(28) & 0xffff);
        if (compressed < 0 || data > file.size() - compressed) {
            throw bad(file, "entry " + name + ": " + compressed + " bytes at byte " + data + " run past the end of the file");
        }
        return new Entry(name, method, data, method == 0 ? compressed : size);
    }

    private static TensorFormatException bad(RandomAccessBytes file, String why) {
        return new TensorFormatException(file.location() + ": " + why);
    }
}
