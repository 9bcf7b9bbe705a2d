package org.neurosweep.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultipleChoiceItemTest {

    @Test
    void answersAsIndexLetterOrChoiceText(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("mc.jsonl"), String.join("\n",
                "{\"question\": \"2+2?\", \"choices\": [\"3\", \"4\", \"5\"], \"answer\": 1}",
                "{\"question\": \"Capital of Peru?\", \"choices\": [\"Lima\", \"Quito\"], \"answer\": \"B\"}",
                "{\"question\": \"Colour of the sky?\", \"choices\": [\"green\", \"blue\"], \"answer\": \"blue\"}",
                "{\"question\": \"q\", \"choices\": [\"a\", \"b\"], \"answer\": 2}",
                "{\"question\": \"q\", \"choices\": [\"a\", \"b\"], \"answer\": \"C\"}",
                "{\"question\": \"q\", \"choices\": [\"a\"], \"answer\": 0}",
                "{\"question\": \"q\", \"choices\": \"a b\", \"answer\": 0}",
                "{\"question\": \"q\", \"choices\": [\"a\", 7], \"answer\": 0}",
                "{\"question\": \"q\", \"choices\": [\"a\", \"b\"], \"answer\": true}",
                "{\"question\": \"q\", \"choices\": [\"a\", \"b\"]}",
                "{\"question\": \"Last?\", \"choices\": [\"x\", \"y\", \"z\"], \"answer\": 2}"));
        ReadResult<MultipleChoiceItem> result = MultipleChoiceItem.read(file, Shard.all());
        assertEquals(List.of(1, 1, 1, 2), result.records().stream().map(MultipleChoiceItem::answer).toList());
        assertEquals(List.of("3", "4", "5"), result.records().get(0).choices());
        List<String> reasons = result.badRecords().stream().map(b -> b.line() + ": " + b.reason()).toList();
        assertEquals(7, reasons.size(), reasons.toString());
        String[] expected = {"4: answer index 2 is outside [0, 2)", "5: answer \"C\" is neither a letter A..B",
            "6: key 'choices' must hold at least 2", "7: key 'choices' must be an array", "8: key 'choices[1]' must be a string",
            "9: key 'answer' must be an index, a letter or a choice", "10: missing required key 'answer'"};
        for (int i = 0; i < expected.length; i++) {
            assertTrue(reasons.get(i).startsWith(expected[i]), reasons.get(i) + " vs " + expected[i]);
        }
    }
}
