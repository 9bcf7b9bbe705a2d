package org.neurosweep.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a file holding one JSON array of objects (the internal-CoT task files). Each element that the mapper rejects
 * is a {@link BadRecord} at the line where the element starts; malformed JSON (e.g. a truncated file) is a bad record
 * at the element being read, and the elements before it are kept. Shard positions are element indices.
 */
final class JsonArrayFile {

    /** Reads one element from the shared parser; the elements after it are not "trailing tokens". */
    private static final ObjectReader ELEMENT = JsonLines.JSON.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonArrayFile() {
    }

    /** One array element, read or rejected. */
    private record Element<T>(T record, BadRecord bad) {
    }

    static <T> ReadResult<T> read(Path file, Shard shard, RecordMapper<T> mapper) {
        String source = file.toString();
        List<Element<T>> elements = new ArrayList<>();
        try (JsonParser parser = JsonLines.JSON.createParser(file.toFile())) {
            long elementLine = 1;
            try {
                if (parser.nextToken() != JsonToken.START_ARRAY) {
                    elements.add(new Element<>(null, new BadRecord(source, 1, "expected a JSON array of objects")));
                } else {
                    // an unclosed array ends in a JsonEOFException, not in a null token
                    for (JsonToken token = parser.nextToken(); token != null && token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                        elementLine = parser.currentTokenLocation().getLineNr();
                        elements.add(element(source, elementLine, parser, mapper));
                    }
                }
            } catch (JsonProcessingException e) {
                elements.add(new Element<>(null, new BadRecord(source, elementLine, JsonLines.malformed(e, true))));
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e, e);
        }
        List<T> records = new ArrayList<>();
        List<BadRecord> bad = new ArrayList<>();
        for (Element<T> element : shard.select(elements)) {
            if (element.bad() == null) {
                records.add(element.record());
            } else {
                bad.add(element.bad());
            }
        }
        return new ReadResult<>(records, bad);
    }

    private static <T> Element<T> element(String source, long line, JsonParser parser, RecordMapper<T> mapper) throws IOException {
        try {
            return new Element<>(mapper.map(JsonLines.asRecord(ELEMENT.readTree(parser))), null);
        } catch (InvalidRecordException e) {
            return new Element<>(null, new BadRecord(source, line, e.getMessage()));
        }
    }
}
