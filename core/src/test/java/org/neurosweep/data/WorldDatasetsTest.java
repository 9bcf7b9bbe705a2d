package org.neurosweep.data;

import org.junit.jupiter.api.Test;
import org.neurosweep.testutil.RepoPaths;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The readers on the world corpus files: record counts and fields against the generator's rules (make_corpus.py). */
class WorldDatasetsTest {

    @Test
    void instructionRecords() {
        List<InstructionExample> records = InstructionExample.read(RepoPaths.dataset("world/instruct.jsonl"), Shard.all()).orThrow();
        assertEquals(520, records.size());
        assertEquals(Set.of("translation", "classification", "knowledge_qa", "arithmetic", "rewriting", "extraction"),
                records.stream().map(InstructionExample::category).collect(Collectors.toSet()));
        for (int i = 0; i < records.size(); i++) {
            InstructionExample r = records.get(i);
            assertEquals(String.format("world-%05d", i), r.id());
            assertEquals(i % 5 == 0 ? "test" : "train", r.split(), "every fifth record is held out");
        }
        InstructionExample first = records.get(0);
        assertEquals("Give the first word.", first.instruction());
        assertEquals(first.input().split(" ")[0], first.output());
    }

    @Test
    void compositeQuestionsOfTheTrainSplitAloneAppearInPretraining() throws IOException {
        List<CompositeQuestion> questions = CompositeQuestion.read(RepoPaths.dataset("world/composite.jsonl"), Shard.all()).orThrow();
        assertEquals(272, questions.size());
        assertEquals(5, questions.stream().map(CompositeQuestion::task).distinct().count());
        Set<String> pretrain = Set.copyOf(Files.readAllLines(RepoPaths.dataset("world/pretrain.txt")));
        for (CompositeQuestion q : questions) {
            assertEquals(q.split().equals("train"), pretrain.contains("Q: " + q.input() + " A: " + q.output()), q.input());
        }
        CompositeQuestion first = questions.get(0);
        assertEquals("capital", first.hop1());
        assertEquals("currency", first.hop2());
        assertEquals("France", first.bridge());
        assertEquals("euro", first.output());
    }

    @Test
    void canaries() throws IOException {
        List<Canary> canaries = Canary.read(RepoPaths.dataset("world/canaries.jsonl"), Shard.all()).orThrow();
        assertEquals(12, canaries.size());
        assertEquals(new TreeSet<>(List.of(1, 2, 4, 8, 16, 32)), canaries.stream().map(Canary::repetitions).collect(Collectors.toCollection(TreeSet::new)));
        List<String> pretrain = Files.readAllLines(RepoPaths.dataset("world/pretrain.txt"));
        Map<String, Long> occurrences = pretrain.stream().collect(Collectors.groupingBy(l -> l, Collectors.counting()));
        for (Canary c : canaries) {
            assertEquals(c.prefix() + " " + c.secret() + ".", c.text());
            assertEquals(6, c.secret().length());
            assertEquals(c.repetitions(), occurrences.getOrDefault(c.text(), 0L), c.name() + " planted as often as stated");
        }
    }
}
