package org.neurosweep.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.testutil.RepoPaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MlamaDatasetTest {

    private static final Path ROOT = RepoPaths.dataset("world/mlama");

    @Test
    void listsLanguagesAndRelations() {
        MlamaDataset mlama = MlamaDataset.open(ROOT);
        assertEquals(List.of("de", "en", "es", "fr"), mlama.languages());
        for (String language : mlama.languages()) {
            assertEquals(List.of("P30", "P36", "P37", "P38"), mlama.relations(language));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mlama.relations("xx"));
        assertTrue(e.getMessage().contains("xx") && e.getMessage().contains("[de, en, es, fr]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mlama.facts("en", "P999", Shard.all()));
    }

    @Test
    void readsTemplatesOfEveryLanguage() {
        MlamaDataset mlama = MlamaDataset.open(ROOT);
        for (String language : mlama.languages()) {
            List<MlamaTemplate> templates = mlama.templates(language).orThrow();
            assertEquals(mlama.relations(language), templates.stream().map(MlamaTemplate::relation).sorted().toList());
            templates.forEach(t -> assertEquals(language, t.language()));
        }
        MlamaTemplate capital = mlama.templates("en").orThrow().get(0);
        assertEquals(new MlamaTemplate("en", "P36", "The capital of [X] is [Y].", "capital"), capital);
    }

    @Test
    void factsAgreeWithTheWorldSplit() throws IOException {
        JsonNode split = new ObjectMapper().readTree(RepoPaths.dataset("world/split.json").toFile());
        MlamaDataset mlama = MlamaDataset.open(ROOT);
        for (String language : mlama.languages()) {
            Set<String> stated = new HashSet<>();
            split.get(language).forEach(c -> stated.add(c.asText()));
            for (String relation : mlama.relations(language)) {
                List<MlamaFact> facts = mlama.facts(language, relation, Shard.all()).orThrow();
                assertEquals(60, facts.size(), language + "/" + relation);
                for (MlamaFact fact : facts) {
                    assertEquals(relation, fact.predicateId());
                    assertEquals(language, fact.language());
                    assertEquals(fact.subUri() + "-" + relation, fact.uuid());
                    assertEquals(stated.contains(fact.subUri()), fact.seenInPretraining(), fact.uuid() + " in " + language);
                }
            }
        }
        MlamaFact france = mlama.facts("en", "P36", Shard.all()).orThrow().get(0);
        assertEquals("France", france.subLabel());
        assertEquals("Paris", france.objLabel());
        assertEquals(0, france.lineId());
    }

    @Test
    void malformedFactsAreReportedWithTheirLines(@TempDir Path root) throws IOException {
        Path en = Files.createDirectories(root.resolve("en"));
        Files.writeString(en.resolve("templates.jsonl"),
                "{\"relation\": \"P36\", \"template\": \"The capital of [X] is [Y].\"}\n"
                        + "{\"relation\": \"P30\", \"template\": \"[X] is somewhere.\"}\n");
        Path facts = Files.writeString(en.resolve("P36.jsonl"), String.join("\n",
                "{\"uuid\": \"u1\", \"sub_label\": \"France\", \"obj_label\": \"Paris\"}",
                "{\"uuid\": \"u2\", \"sub_label\": \"Spain\", \"obj_label\": \"Madrid\", \"predicate_id\": \"P30\"}",
                "{\"uuid\": \"u3\", \"obj_label\": \"Rome\"}",
                "{\"uuid\": \"u4\", \"sub_label\": \"Peru\", \"obj_label\": \"Lima\", \"seen_in_pretraining\": \"yes\"}",
                "{\"uuid\": \"u5\", \"sub_label\": \"Chile\", \"obj_label\": \"Santiago\", \"language\": \"es\"}",
                "{\"uuid\": \"u6\", \"sub_label\": \"Cuba\", \"obj_label\": \"Havana\", \"seen_in_pretraining\": false}"));
        MlamaDataset mlama = MlamaDataset.open(root);
        assertEquals(List.of("en"), mlama.languages());

        ReadResult<MlamaFact> result = mlama.facts("en", "P36", Shard.all());
        assertEquals(List.of("u1", "u6"), result.records().stream().map(MlamaFact::uuid).toList());
        assertNull(result.records().get(0).seenInPretraining(), "optional seen_in_pretraining");
        assertNull(result.records().get(0).lineId());
        assertEquals(false, result.records().get(1).seenInPretraining());
        List<BadRecord> bad = result.badRecords();
        assertEquals(List.of(2L, 3L, 4L, 5L), bad.stream().map(BadRecord::line).toList());
        bad.forEach(b -> assertEquals(facts.toString(), b.source()));
        assertTrue(bad.get(0).reason().contains("predicate_id 'P30'"), bad.get(0).reason());
        assertTrue(bad.get(1).reason().contains("'sub_label'"), bad.get(1).reason());
        assertTrue(bad.get(2).reason().contains("'seen_in_pretraining' must be a boolean"), bad.get(2).reason());
        assertTrue(bad.get(3).reason().contains("language 'es'"), bad.get(3).reason());

        ReadResult<MlamaTemplate> templates = mlama.templates("en");
        assertEquals(1, templates.records().size());
        assertEquals(2, templates.badRecords().get(0).line());
        assertTrue(templates.badRecords().get(0).reason().contains("[Y]"), templates.badRecords().get(0).reason());
    }

    @Test
    void aDirectoryWithoutLanguagesIsRejected(@TempDir Path root) {
        DatasetException e = assertThrows(DatasetException.class, () -> MlamaDataset.open(root));
        assertTrue(e.getMessage().contains(root.toString()), e.getMessage());
    }
}
