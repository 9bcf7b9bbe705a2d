package org.neurosweep.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The lines of a UTF-8 file ({@code \n} or {@code \r\n}; a leading byte-order mark is dropped), decoded one at a
 * time so that a line with invalid UTF-8 is one bad line rather than an unreadable file. Line numbers start at 1.
 */
final class Utf8Lines implements Closeable {

    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int position;
    private int limit;
    private byte[] line = new byte[256];
    private int lineStart;
    private int lineLength;
    private long number;
    private final long maxBytes = RecordLimit.bytes();
    private long bytes;

    /** Lines longer than {@link RecordLimit#bytes()} of the constructing thread are {@link #oversized()}, not kept. */
    Utf8Lines(Path file) throws IOException {
        this.in = Files.newInputStream(file);
    }

    /** Advances to the next line; false at the end of the file. */
    boolean next() throws IOException {
        lineStart = 0;
        lineLength = 0;
        bytes = 0;
        boolean readAny = false;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return readAny && finishLine();
                }
            }
            readAny = true;
            int newline = position;
            while (newline < limit && buffer[newline] != '\n') {
                newline++;
            }
            append(position, newline - position);
            position = Math.min(newline + 1, limit);
            if (newline < limit) {
                return finishLine();
            }
        }
    }

    long number() {
        return number;
    }

    /** Whether the current line is longer than the record limit; its content was then not kept. */
    boolean oversized() {
        return bytes > maxBytes;
    }

    /** The current line's length in bytes (counted in full even when oversized). */
    long byteLength() {
        return bytes;
    }

    long maxBytes() {
        return maxBytes;
    }

    /** True when the line holds only ASCII whitespace. */
    boolean isBlank() {
        for (int i = lineStart; i < lineLength; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** The current line, decoded strictly. */
    String text() throws CharacterCodingException {
        return decoder.decode(ByteBuffer.wrap(line, lineStart, lineLength - lineStart)).toString();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void append(int from, int length) {
        bytes += length;
        if (bytes > maxBytes) {
            lineLength = 0;   // past the limit: count the rest of the line, keep none of it
            return;
        }
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
        }
        System.arraycopy(buffer, from, line, lineLength, length);
        lineLength += length;
    }

    private boolean finishLine() {
        number++;
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
            lineLength--;
        }
        if (number == 1 && lineLength >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
            lineStart = 3;
        }
        return true;
    }
}
