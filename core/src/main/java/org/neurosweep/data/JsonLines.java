package org.neurosweep.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSONL reader behind every dataset reader: one JSON object per line. A line that is blank, longer than the
 * {@link RecordLimit}, not valid UTF-8, not valid JSON (e.g. truncated), not an object, or rejected by the
 * {@link RecordMapper} (missing key, wrong type) becomes a {@link BadRecord} with its line number, and reading goes
 * on with the next line.
 */
public final class JsonLines {

    /** Strict JSON: trailing content after the object and duplicate keys are errors. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonLines() {
    }

    /**
     * The records of the lines of {@code file} that {@code shard} selects (position = line number - 1).
     *
     * @throws DatasetException when the file cannot be opened or read
     */
    public static <T> ReadResult<T> read(Path file, Shard shard, RecordMapper<T> mapper) {
        long total = shard.needsTotal() ? countLines(file) : -1;
        List<T> records = new ArrayList<>();
        List<BadRecord> bad = new ArrayList<>();
        try (Utf8Lines lines = new Utf8Lines(file)) {
            while (lines.next()) {
                if (!shard.selects(lines.number() - 1, total)) {
                    continue;
                }
                if (lines.oversized()) {
                    bad.add(new BadRecord(file.toString(), lines.number(), RecordLimit.reason(lines.byteLength(), lines.maxBytes())));
                    continue;
                }
                if (lines.isBlank()) {
                    bad.add(new BadRecord(file.toString(), lines.number(), "blank line: no record"));
                    continue;
                }
                try {
                    records.add(mapper.map(parseObject(lines.text())));
                } catch (CharacterCodingException e) {
                    bad.add(new BadRecord(file.toString(), lines.number(), "invalid UTF-8"));
                } catch (InvalidRecordException e) {
                    bad.add(new BadRecord(file.toString(), lines.number(), e.getMessage()));
                }
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e, e);
        }
        return new ReadResult<>(records, bad);
    }

    /** Every line of {@code file} as a map of plain Java values (see {@link JsonRecord#toMap()}). */
    public static ReadResult<Map<String, Object>> readMaps(Path file, Shard shard) {
        return read(file, shard, JsonRecord::toMap);
    }

    /** Parses one JSON object; anything else is an {@link InvalidRecordException} saying what is wrong and where. */
    static JsonRecord parseObject(String json) throws InvalidRecordException {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException(malformed(e, false));
        }
        return asRecord(node);
    }

    static JsonRecord asRecord(JsonNode node) throws InvalidRecordException {
        if (node == null || !node.isObject()) {
            String found = node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
            throw new InvalidRecordException("expected a JSON object, found " + found);
        }
        return new JsonRecord((ObjectNode) node);
    }

    /** "malformed JSON at [line L, ]column C: what the parser expected". */
    static String malformed(JsonProcessingException e, boolean withLine) {
        var at = e.getLocation();
        String where = at == null ? "" : " at " + (withLine ? "line " + at.getLineNr() + ", " : "") + "column " + at.getColumnNr();
        return "malformed JSON" + where + ": " + e.getOriginalMessage();
    }

    private static long countLines(Path file) {
        try (Utf8Lines lines = new Utf8Lines(file)) {
            long n = 0;
            while (lines.next()) {
                n++;
            }
            return n;
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e, e);
        }
    }
}
