package org.neurosweep.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.testutil.RepoPaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InternalCotDatasetTest {

    private static final InternalCotDataset ICOT = InternalCotDataset.open(RepoPaths.dataset("internal-cot"));

    @Test
    void listsTasks() {
        assertEquals(18, ICOT.baseTasks().size());
        assertTrue(ICOT.baseTasks().containsAll(List.of("antonym", "uppercase", "country_capital", "choose_last")));
        List<CompositeTask> listed = ICOT.listedTasks().orThrow();
        assertEquals(15, listed.size(), "the paper's 15 composite tasks");
        assertEquals(Set.copyOf(listed), Set.copyOf(ICOT.compositeTasks()), "one composite file per listed task");
        for (CompositeTask task : listed) {
            assertTrue(ICOT.baseTasks().containsAll(List.of(task.s1(), task.s2())), task.name());
        }
    }

    @Test
    void compositeExamplesCarryTheIntermediateAnswer() {
        CompositeTask task = CompositeTask.parse("antonym-uppercase");
        List<CompositeExample> examples = ICOT.composite(task, Shard.all()).orThrow();
        assertEquals(2398, examples.size());
        // docs/methods/internal-cot.md §1: flawed -> Perfect (perfect, Flawed)
        CompositeExample first = examples.get(0);
        assertEquals(new CompositeExample(task, "flawed", "Perfect", "perfect", "Flawed"), first);

        List<TaskExample> antonyms = ICOT.base("antonym", Shard.all()).orThrow();
        assertEquals(examples.size(), antonyms.size());
        for (int i = 0; i < examples.size(); i++) {
            assertEquals(antonyms.get(i).input(), examples.get(i).input());
            assertEquals(antonyms.get(i).output(), examples.get(i).t1(), "t1 = s1(input)");
        }
    }

    @Test
    void shardedTaskFilesSplitByElement() {
        CompositeTask task = CompositeTask.parse("country_capital-lowercase");
        List<CompositeExample> all = ICOT.composite(task, Shard.all()).orThrow();
        assertEquals(197, all.size());
        assertEquals(Shard.contiguous(2, 3).select(all), ICOT.composite(task, Shard.contiguous(2, 3)).orThrow());
        assertEquals(Shard.modulo(1, 4).select(all), ICOT.composite(task, Shard.modulo(1, 4)).orThrow());
    }

    @Test
    void badElementsAndTruncationAreReportedAtTheirLines(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("composite"));
        Path base = Files.createDirectories(root.resolve("base"));
        Path file = Files.writeString(base.resolve("antonym.json"), String.join("\n",
                "[",
                "  {\"input\": \"hot\", \"output\": \"cold\"},",
                "  {\"input\": \"up\"},",
                "  \"stray\",",
                "  {\"input\": \"big\",",
                "   \"output\": \"small\"},",
                "  {\"input\": \"fast\", \"outp"));
        InternalCotDataset dataset = InternalCotDataset.open(root);
        ReadResult<TaskExample> result = dataset.base("antonym", Shard.all());
        assertEquals(List.of(new TaskExample("antonym", "hot", "cold"), new TaskExample("antonym", "big", "small")), result.records());
        List<BadRecord> bad = result.badRecords();
        assertEquals(List.of(3L, 4L, 7L), bad.stream().map(BadRecord::line).toList());
        bad.forEach(b -> assertEquals(file.toString(), b.source()));
        assertTrue(bad.get(0).reason().contains("missing required key 'output'"), bad.get(0).reason());
        assertTrue(bad.get(1).reason().contains("expected a JSON object, found string"), bad.get(1).reason());
        assertTrue(bad.get(2).reason().startsWith("malformed JSON at line 7"), bad.get(2).reason());

        Files.writeString(base.resolve("object.json"), "{\"input\": \"x\", \"output\": \"y\"}");
        assertEquals(1, dataset.base("object", Shard.all()).badRecords().size());
        assertThrows(DatasetException.class, () -> dataset.base("missing", Shard.all()));
        assertThrows(DatasetException.class, () -> InternalCotDataset.open(base));
    }

    @Test
    void compositeTaskNames() {
        CompositeTask task = CompositeTask.parse("choose_last-first_letter");
        assertEquals("choose_last", task.s1());
        assertEquals("first_letter", task.s2());
        assertEquals("choose_last-first_letter", task.name());
        assertThrows(IllegalArgumentException.class, () -> CompositeTask.parse("antonym"));
        assertThrows(IllegalArgumentException.class, () -> CompositeTask.parse("a-b-c"));
    }
}
