package org.neurosweep.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.testutil.RepoPaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceItemTest {

    private static final Path TRACE = RepoPaths.dataset("internal-cot/2024_trace_evaluation.jsonl");

    @Test
    void readsTheEvaluationItems() {
        List<TraceItem> items = TraceItem.read(TRACE, Shard.all()).orThrow();
        assertEquals(1042, items.size());
        // docs/methods/internal-cot.md §7: the replication subset needs inclusion, output-format and tone/style
        // constraints: 69 items
        List<String> subset = List.of("包含约束", "输出格式约束", "语气风格约束");
        assertEquals(69, items.stream().filter(i -> i.constraintTypes().containsAll(subset)).count());
        for (TraceItem item : items) {
            assertEquals(List.of("system", "user"), item.messages().stream().map(ChatMessage::role).toList());
            String user = item.messages().get(1).content();
            assertTrue(user.startsWith(item.description() + "\n" + item.constraints() + "\n"), item.id());
            assertEquals(item.inputText().isPresent(), user.contains("# Inputs:\n" + item.input() + "\n"), item.id());
        }
        TraceItem first = items.get(0);
        assertEquals("0", first.id());
        assertEquals("\"Hotel California\" — 老鹰乐队。", first.inputText().orElseThrow());
        assertEquals(List.of("语气风格约束"), first.constraintTypes());
        assertTrue(items.get(1).inputText().isEmpty(), "item 1 has input NULL");
    }

    @Test
    void inconsistentConstraintCountsAreBadRecords(@TempDir Path dir) throws IOException {
        List<String> lines = Files.readAllLines(TRACE).subList(0, 3);
        String broken = lines.get(1).replace("\"constraints_num\": 1", "\"constraints_num\": 2");
        Path file = Files.write(dir.resolve("trace.jsonl"), List.of(lines.get(0), broken, lines.get(2), "{\"id\": \"9\", \"messages\": [\"hi\"]}"));
        ReadResult<TraceItem> result = TraceItem.read(file, Shard.all());
        assertEquals(List.of("0", "2"), result.records().stream().map(TraceItem::id).toList());
        assertEquals(2, result.badRecords().get(0).line());
        assertTrue(result.badRecords().get(0).reason().contains("constraints_num is 2"), result.badRecords().get(0).reason());
        assertEquals(4, result.badRecords().get(1).line());
        assertTrue(result.badRecords().get(1).reason().contains("'messages[0]' must be an object"), result.badRecords().get(1).reason());
    }
}
