package org.neurosweep.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLinesTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static void assertBad(BadRecord bad, Path file, long line, String reasonPart) {
        assertEquals(file.toString(), bad.source());
        assertEquals(line, bad.line(), bad.toString());
        assertTrue(bad.reason().contains(reasonPart), "reason '" + bad.reason() + "' should mention '" + reasonPart + "'");
    }

    @Test
    void malformedLinesBecomeBadRecordsAndTheGoodOnesAroundThemAreKept() throws IOException {
        Path file = write("canaries.jsonl", String.join("\n",
                "{\"name\": \"A\", \"secret\": \"111111\", \"repetitions\": 1, \"prefix\": \"p\", \"text\": \"p 111111.\"}",
                "{\"name\": \"B\", \"secret\": \"222222\", \"repetitions\": 2, \"prefix\": \"p\", \"tex",
                "{\"name\": \"C\", \"secret\": \"333333\", \"repetitions\": 4, \"prefix\": \"p\"}",
                "{\"name\": \"D\", \"secret\": \"444444\", \"repetitions\": \"8\", \"prefix\": \"p\", \"text\": \"t\"}",
                "",
                "{\"name\": \"E\", \"secret\": \"555555\", \"repetitions\": 16, \"prefix\": \"p\", \"text\": \"p 555555.\"}",
                "[1, 2]",
                "{\"name\": \"F\", \"secret\": null, \"repetitions\": 1, \"prefix\": \"p\", \"text\": \"t\"} trailing",
                "{\"name\": \"G\", \"name\": \"G2\", \"secret\": \"7\", \"repetitions\": 1, \"prefix\": \"p\", \"text\": \"t\"}",
                "{\"name\": \"H\", \"secret\": \"888888\", \"repetitions\": 2.5, \"prefix\": \"p\", \"text\": \"t\"}",
                "{\"name\": \"I\", \"secret\": \"999999\", \"repetitions\": 32, \"prefix\": \"p\", \"text\": \"p 999999.\"}"));
        ReadResult<Canary> result = Canary.read(file, Shard.all());

        assertEquals(List.of("A", "E", "I"), result.records().stream().map(Canary::name).toList());
        assertEquals(32, result.records().get(2).repetitions());
        List<BadRecord> bad = result.badRecords();
        assertEquals(8, bad.size(), bad.toString());
        assertBad(bad.get(0), file, 2, "malformed JSON");
        assertBad(bad.get(1), file, 3, "missing required key 'text'");
        assertBad(bad.get(2), file, 4, "key 'repetitions' must be an integer, found string");
        assertBad(bad.get(3), file, 5, "blank line");
        assertBad(bad.get(4), file, 7, "expected a JSON object, found array");
        assertBad(bad.get(5), file, 8, "malformed JSON");
        assertBad(bad.get(6), file, 9, "Duplicate field 'name'");
        assertBad(bad.get(7), file, 10, "key 'repetitions' must be an integer, found number");
    }

    @Test
    void aRecordOverTheLimitIsABadRecordAndTheLinesAfterItAreRead() throws IOException {
        String huge = "x".repeat(200_000);   // spans several 64 KiB read buffers
        Path file = write("big.jsonl", String.join("\n",
                "{\"name\": \"A\", \"secret\": \"1\", \"repetitions\": 1, \"prefix\": \"p\", \"text\": \"t\"}",
                "{\"name\": \"B\", \"secret\": \"2\", \"repetitions\": 1, \"prefix\": \"p\", \"text\": \"" + huge + "\"}",
                "{\"name\": \"C\", \"secret\": \"3\", \"repetitions\": 1, \"prefix\": \"p\", \"text\": \"t\"}"));
        ReadResult<Canary> limited;
        try (RecordLimit.Scope s = RecordLimit.scope(100_000)) {
            limited = Canary.read(file, Shard.all());
            assertEquals(List.of("line 2"), TextLines.read(file, Shard.all(), 0).badRecords().stream()
                    .map(b -> "line " + b.line()).toList(), "text datasets apply the same limit");
        }
        assertEquals(List.of("A", "C"), limited.records().stream().map(Canary::name).toList());
        assertEquals(1, limited.badRecords().size());
        assertBad(limited.badRecords().get(0), file, 2, "record of " + (huge.length() + 73) + " bytes is over the limit of 100000 bytes");
        assertEquals(RecordLimit.DEFAULT_BYTES, RecordLimit.bytes(), "closing the scope restores the limit");
        assertEquals(3, Canary.read(file, Shard.all()).records().size(), "under the default limit the record is read");
    }

    @Test
    void invalidUtf8SpoilsOnlyItsLine() throws IOException {
        byte[] good = "{\"a\": \"é\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] broken = {'{', '"', 'a', '"', ':', ' ', '"', (byte) 0xC3, '"', '}', '\n'};
        Path file = dir.resolve("mixed.jsonl");
        Files.write(file, concat(good, broken, good));
        ReadResult<Map<String, Object>> result = JsonLines.readMaps(file, Shard.all());
        assertEquals(List.of(Map.of("a", "é"), Map.of("a", "é")), result.records());
        assertEquals(1, result.badRecords().size());
        assertBad(result.badRecords().get(0), file, 2, "invalid UTF-8");
    }

    @Test
    void byteOrderMarkCrlfAndMissingFinalNewlineAreToleratedAndABlankLineIsTraced() throws IOException {
        Path file = write("crlf.jsonl", "\uFEFF{\"n\": 1}\r\n{\"n\": 2}\r\n\r\n{\"n\": [3, 4.5, true, null]}");
        ReadResult<Map<String, Object>> result = JsonLines.readMaps(file, Shard.all());
        assertEquals(1, result.badRecords().size(), result.badRecords().toString());
        assertBad(result.badRecords().get(0), file, 3, "blank line");
        assertEquals(3, result.records().size());
        assertEquals(1, result.records().get(0).get("n"));
        assertEquals(java.util.Arrays.asList(3, 4.5, true, null), result.records().get(2).get("n"));
    }

    @Test
    void longLinesSpanningReadBuffersAreReadWhole() throws IOException {
        String big = "x".repeat(200_000);
        Path file = write("big.jsonl", "{\"s\": \"" + big + "\"}\n{\"s\": \"small\"}\n");
        ReadResult<Map<String, Object>> result = JsonLines.readMaps(file, Shard.all());
        assertEquals(List.of(big, "small"), result.records().stream().map(r -> r.get("s")).toList());
    }

    @Test
    void orThrowListsTheBadRecordsWithFileAndLine() throws IOException {
        Path file = write("x.jsonl", "{\"a\": 1}\n{oops\n");
        ReadResult<Map<String, Object>> result = JsonLines.readMaps(file, Shard.all());
        DatasetException e = assertThrows(DatasetException.class, result::orThrow);
        assertTrue(e.getMessage().contains("1 bad record") && e.getMessage().contains(file + ":2: malformed JSON"), e.getMessage());
        assertEquals(1, JsonLines.readMaps(write("ok.jsonl", "{\"a\": 1}\n"), Shard.all()).orThrow().size());
    }

    @Test
    void missingFileIsADatasetErrorNamingIt() {
        Path missing = dir.resolve("nope.jsonl");
        DatasetException e = assertThrows(DatasetException.class, () -> JsonLines.readMaps(missing, Shard.all()));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
