package org.neurosweep.methods.lrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.data.DatasetException;
import org.neurosweep.testutil.RepoPaths;

/** The monolingual corpora of LRP2's language vectors: the world corpus split by its templates, and per-language files. */
class LanguageCorpusTest {

    private static final Path KB = RepoPaths.dataset("world/world_kb.json");

    @Test
    void everyFilledTemplateIsIdentifiedAsItsLanguage() throws Exception {
        TemplateLanguageId id = TemplateLanguageId.fromKnowledgeBase(KB);
        assertEquals(List.of("de", "en", "es", "fr"), id.languages());
        JsonNode templates = new ObjectMapper().readTree(KB.toFile()).path("templates");
        int checked = 0;
        for (Map.Entry<String, JsonNode> rel : iterable(templates)) {
            for (Map.Entry<String, JsonNode> lang : iterable(rel.getValue())) {
                for (JsonNode s : lang.getValue().path("statements")) {
                    String line = s.textValue().replace("[X]", "Narnia").replace("[Y]", "Cair Paravel");
                    assertEquals(Optional.of(lang.getKey()), id.languageOf(line), line);
                    checked++;
                }
            }
        }
        assertTrue(checked >= 4 * 6 * 3, "statements of 4 languages x 6 relations");
        assertEquals(Optional.empty(), id.languageOf("The phone number of Alice Martin is 123456."));
    }

    @Test
    void worldCorpusSentencesAreDistinctAndKeepTheirLanguage() {
        TemplateLanguageId id = TemplateLanguageId.fromKnowledgeBase(KB);
        LanguageCorpus corpus = LanguageCorpus.fromMixedText(RepoPaths.dataset("world/pretrain.txt"), id);
        assertEquals(List.of("de", "en", "es", "fr"), corpus.languages());
        assertTrue(corpus.badRecords().isEmpty());
        assertTrue(corpus.unassigned() > 0, "canary records match no template");
        for (String lang : corpus.languages()) {
            List<String> s = corpus.sentences(lang);
            assertEquals(s.size(), new HashSet<>(s).size(), lang + " sentences are deduplicated");
            s.forEach(line -> assertEquals(Optional.of(lang), id.languageOf(line)));
        }
        assertTrue(corpus.sentences("en").size() > corpus.sentences("fr").size(), "English states every fact");
        assertEquals(5, corpus.limit(5).sentences("de").size());
        assertEquals(corpus.sentences("de").subList(0, 5), corpus.limit(5).sentences("de"), "the first in file order");
    }

    @Test
    void templatesSharedByTwoLanguagesLeaveTheLineUnassigned(@TempDir Path dir) throws Exception {
        Path kb = Files.writeString(dir.resolve("kb.json"), """
                {"templates": {"capital": {
                  "en": {"statements": ["[X]: [Y]."]},
                  "de": {"statements": ["[X]: [Y].", "Die Hauptstadt von [X] ist [Y]."]}}}}""");
        TemplateLanguageId id = TemplateLanguageId.fromKnowledgeBase(kb);
        assertEquals(Optional.empty(), id.languageOf("France: Paris."));
        assertEquals(Optional.of("de"), id.languageOf("Die Hauptstadt von Frankreich ist Paris."));
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"templates\": {\"capital\": {\"en\": {\"statements\": 3}}}}");
        DatasetException e = assertThrows(DatasetException.class, () -> TemplateLanguageId.fromKnowledgeBase(bad));
        assertTrue(e.getMessage().contains("templates.capital.en.statements"), e.getMessage());
    }

    @Test
    void languageFilesAreReadPerLanguage(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("en.txt"), "One.\nTwo.\nOne.\n\n");
        Files.writeString(dir.resolve("fr.txt"), "Un.\n");
        LanguageCorpus corpus = LanguageCorpus.fromLanguageFiles(dir, List.of("en", "fr"));
        assertEquals(List.of("One.", "Two."), corpus.sentences("en"));
        assertEquals(Set.of("en", "fr"), Set.copyOf(corpus.languages()));
        DatasetException missing = assertThrows(DatasetException.class,
                () -> LanguageCorpus.fromLanguageFiles(dir, List.of("de")));
        assertTrue(missing.getMessage().contains("de.txt"), missing.getMessage());
        assertThrows(DatasetException.class, () -> corpus.sentences("es"));
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }
}
