package org.neurosweep.data;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain UTF-8 text file read as one record per line (a pretraining corpus, a held-out text, a monolingual
 * sentence list). Lines keep their text exactly, blank ones included (a blank line is a record of "" so that line
 * numbers and "the first N lines" mean the same as for {@code head -n N}); a line that is not valid UTF-8 becomes a
 * {@link BadRecord}, as does a line longer than the {@link RecordLimit}.
 */
public final class TextLines {

    /** One line: its 1-based number in the file and its text without the line break. */
    public record Line(long number, String text) {
    }

    private TextLines() {
    }

    /**
     * The lines {@code shard} selects among the first {@code maxLines} lines of {@code file} (0 = all lines);
     * position = line number − 1.
     *
     * @throws DatasetException when the file cannot be opened or read
     */
    public static ReadResult<Line> read(Path file, Shard shard, long maxLines) {
        if (maxLines < 0) {
            throw new IllegalArgumentException("maxLines must be >= 0 (0 = all), got " + maxLines);
        }
        long total = shard.needsTotal() ? count(file, maxLines) : -1;
        List<Line> lines = new ArrayList<>();
        List<BadRecord> bad = new ArrayList<>();
        try (Utf8Lines in = new Utf8Lines(file)) {
            while ((maxLines == 0 || in.number() < maxLines) && in.next()) {
                if (!shard.selects(in.number() - 1, total)) {
                    continue;
                }
                if (in.oversized()) {
                    bad.add(new BadRecord(file.toString(), in.number(), RecordLimit.reason(in.byteLength(), in.maxBytes())));
                    continue;
                }
                try {
                    lines.add(new Line(in.number(), in.text()));
                } catch (CharacterCodingException e) {
                    bad.add(new BadRecord(file.toString(), in.number(), "invalid UTF-8"));
                }
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e, e);
        }
        return new ReadResult<>(lines, bad);
    }

    private static long count(Path file, long maxLines) {
        try (Utf8Lines in = new Utf8Lines(file)) {
            long n = 0;
            while ((maxLines == 0 || n < maxLines) && in.next()) {
                n++;
            }
            return n;
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e, e);
        }
    }
}
