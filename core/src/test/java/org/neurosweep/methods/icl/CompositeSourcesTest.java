package org.neurosweep.methods.icl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.data.CompositeTask;
import org.neurosweep.data.InternalCotDataset;
import org.neurosweep.data.ReadResult;
import org.neurosweep.testutil.RepoPaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompositeSourcesTest {

    @Test
    void internalCotPoolsHoldTheCompositeAndBothSteps() {
        InternalCotDataset ds = InternalCotDataset.open(RepoPaths.dataset("internal-cot"));
        TaskPools pools = CompositeSources.internalCot(ds, List.of(CompositeTask.parse("antonym-uppercase")))
                .orThrow().get(0);
        assertEquals("antonym-uppercase", pools.task());
        assertEquals(new IclExample("flawed", "Perfect", "perfect", "Flawed"), pools.composite().get(0));
        assertEquals(2398, pools.pool(TaskPart.S1).size());
        assertEquals(813, pools.pool(TaskPart.S2).size());
        assertNull(pools.first().get(0).t1(), "single-step records have no intermediate answer");
    }

    @Test
    void worldQuestionsAreSplitIntoTheirHops() {
        ReadResult<TaskPools> read = CompositeSources.world(RepoPaths.dataset("world/composite.jsonl"), "test");
        assertTrue(read.isClean(), read.badRecords().toString());
        TaskPools currency = read.records().stream().filter(p -> p.task().equals("capital_to_currency")).findFirst().orElseThrow();
        assertEquals(30, currency.composite().size());
        assertEquals(new IclExample("What is the currency of the country whose capital is Paris?", "euro", "France", null),
                currency.composite().get(0));
        assertEquals(IclExample.single("What is the country whose capital is Paris?", "France"), currency.first().get(0));
        assertEquals(IclExample.single("What is the currency of France?", "euro"), currency.second().get(0));
        TaskPools neighbor = read.records().stream().filter(p -> p.task().equals("neighbor_capital")).findFirst().orElseThrow();
        assertEquals(IclExample.single("What is the capital of Spain?", "Madrid"), neighbor.second().get(0));
        assertEquals("neighbor", neighbor.s1());
        assertEquals(5, read.records().size());
    }

    @Test
    void aQuestionWithoutBridgePhraseIsABadRecord(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("composite.jsonl");
        Files.writeString(file, """
                {"task": "t", "input": "What is the currency of the country whose capital is Paris?", "bridge": "France", "output": "euro", "hop1": "capital", "hop2": "currency", "split": "test"}
                {"task": "t", "input": "Which coin is used in Lyon?", "bridge": "France", "output": "euro", "hop1": "city", "hop2": "currency", "split": "test"}
                """);
        ReadResult<TaskPools> read = CompositeSources.world(file, "all");
        assertEquals(1, read.records().get(0).composite().size());
        assertEquals(1, read.badRecords().size());
        assertEquals(2, read.badRecords().get(0).line(), "names the line of the bad question");
        assertTrue(read.badRecords().get(0).reason().contains("city"), read.badRecords().get(0).reason());
    }
}
