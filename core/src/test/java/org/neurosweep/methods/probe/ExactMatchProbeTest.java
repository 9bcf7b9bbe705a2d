package org.neurosweep.methods.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neurosweep.data.MlamaDataset;
import org.neurosweep.data.Shard;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.CausalLM;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/** The teacher-forced exact-match probe reproduces {@code LANG.PID.seen/unseen} of every world model's eval file. */
class ExactMatchProbeTest {

    @ParameterizedTest
    @ValueSource(strings = {"dense", "dense-step00250", "dense-step00500", "dense-step01000", "dense-step02000",
        "dense-step04000", "dense_instruct", "dense_small", "moe_deep", "moe_deep-step00500", "moe_deep-step02000",
        "moe_deep_instruct", "moe_shallow"})
    void reproducesFixtureFigures(String name) {
        Path dir = RepoPaths.world(name);
        CausalLM model = CausalLM.load(dir);
        RelationProbe.Loaded loaded = RelationProbe.load(MlamaDataset.open(RepoPaths.dataset("world/mlama")), List.of(),
                Shard.all(), CandidateSource.relationObjects());
        assertTrue(loaded.badRecords().isEmpty(), loaded.badRecords().toString());
        ProbeTally tally = new ProbeTally();
        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            MlamaProbe probe = new MlamaProbe(model, tokenizer, ProbeSettings.exactMatch(256));
            tally.addAll(probe.run(loaded.probes(), Hooks.none()));
        }
        WorldEval reference = WorldEval.of(name);
        List<String> mismatches = new ArrayList<>();
        int cells = 0;
        for (RelationProbe task : loaded.probes()) {
            for (boolean seen : new boolean[] {true, false}) {
                Double expected = reference.probe(task.language(), task.relation(), seen);
                ProbeTally.Cell cell = tally.cell(task.language(), task.relation(), seen);
                if (expected == null) {
                    assertNull(cell, task.language() + "." + task.relation() + " has no " + (seen ? "seen" : "unseen")
                            + " facts in the reference");
                    continue;
                }
                assertNotNull(cell, task.language() + "." + task.relation() + "." + seen);
                cells++;
                long expectedCorrect = Math.round(expected * cell.facts());
                if (cell.correct() != expectedCorrect) {
                    mismatches.add(task.language() + "." + task.relation() + "." + (seen ? "seen" : "unseen") + ": "
                            + cell.correct() + "/" + cell.facts() + " vs reference " + expected);
                }
            }
        }
        assertEquals(28, cells, "4 languages x 4 relations seen, 3 x 4 unseen");
        assertEquals(List.of(), mismatches);
    }
}
