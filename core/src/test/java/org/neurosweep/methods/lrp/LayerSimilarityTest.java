package org.neurosweep.methods.lrp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neurosweep.data.MlamaDataset;
import org.neurosweep.data.MlamaFact;
import org.neurosweep.data.Shard;
import org.neurosweep.methods.probe.CandidateSource;
import org.neurosweep.methods.probe.ProbeQuery;
import org.neurosweep.methods.probe.RelationProbe;
import org.neurosweep.model.CausalLM;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/** B6.1 on the dense world model: layer-wise cosine of parallel fr/en query representations, with and without LRP2. */
class LayerSimilarityTest {

    private static CausalLM model;
    private static Tokenizer tokenizer;
    private static LanguageVectors vectors;
    private static final List<String> FR = new ArrayList<>();
    private static final List<String> EN = new ArrayList<>();

    @BeforeAll
    static void load() {
        model = CausalLM.load(RepoPaths.world("dense"));
        tokenizer = Tokenizer.load(RepoPaths.world("dense"));
        LanguageCorpus corpus = LanguageCorpus.fromMixedText(RepoPaths.dataset("world/pretrain.txt"),
                TemplateLanguageId.fromKnowledgeBase(RepoPaths.dataset("world/world_kb.json"))).limit(48);
        vectors = LanguageVectors.compute(model, tokenizer, corpus, List.of("en", "fr"), 16);
        Map<String, Map<String, String>> prompts = new TreeMap<>();
        for (RelationProbe t : RelationProbe.load(MlamaDataset.open(RepoPaths.dataset("world/mlama")), List.of("en", "fr"),
                Shard.all(), CandidateSource.relationObjects()).probes()) {
            for (MlamaFact f : t.facts()) {
                prompts.computeIfAbsent(f.uuid(), k -> new TreeMap<>()).put(t.language(), ProbeQuery.of(t.template(), f).prompt());
            }
        }
        prompts.values().stream().filter(p -> p.size() == 2).limit(24).forEach(p -> {
            FR.add(p.get("fr"));
            EN.add(p.get("en"));
        });
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void englishAgainstItselfIsOneAtEveryLayerProjectedOrNot() {
        LayerSimilarity.Result r = LayerSimilarity.compute(model, tokenizer, vectors, "en", "en", EN, EN,
                new LayerPair(2, 5), 8);
        assertEquals(EN.size(), r.pairs());
        for (int l = 0; l < model.config().numLayers(); l++) {
            assertEquals(1.0, r.base()[l], 1e-9, "layer " + (l + 1));
            assertEquals(1.0, r.projected()[l], 1e-9, "English is never projected: layer " + (l + 1));
        }
    }

    @Test
    void equalLayersGiveEqualColumns() {
        LayerSimilarity.Result r = LayerSimilarity.compute(model, tokenizer, vectors, "fr", "en", FR, EN,
                new LayerPair(3, 3), 8);
        assertEquals(FR.size(), r.pairs());
        assertArrayEquals(r.base(), r.projected(), 0.0, "LIRP and LSRP at one layer cancel: the identity");
        for (double c : r.base()) {
            assertTrue(c > -1 - 1e-9 && c < 1 - 1e-6, "parallel fr and en queries differ: " + c);
        }
    }

    @Test
    void aProjectionChangesTheLayersFromItsLirpLayerOnOnly() {
        LayerSimilarity.Result r = LayerSimilarity.compute(model, tokenizer, vectors, "fr", "en", FR, EN,
                new LayerPair(2, 5), 8);
        assertEquals(r.base()[0], r.projected()[0], 1e-12, "block 1 runs before the LIRP shift after block 2");
        for (int l = 1; l < 5; l++) {
            assertNotEquals(r.base()[l], r.projected()[l], 1e-9, "layer " + (l + 1));
        }
        assertTrue(r.projected()[1] > r.base()[1], "LIRP moves fr towards en right after the shift: "
                + r.projected()[1] + " vs " + r.base()[1]);
    }

    @Test
    void microBatchingAndPaddingDoNotChangeTheResult() {
        LayerSimilarity.Result one = LayerSimilarity.compute(model, tokenizer, vectors, "fr", "en", FR, EN,
                new LayerPair(2, 5), 1);
        LayerSimilarity.Result many = LayerSimilarity.compute(model, tokenizer, vectors, "fr", "en", FR, EN,
                new LayerPair(2, 5), 24);
        assertArrayEquals(one.base(), many.base(), 1e-5);
        assertArrayEquals(one.projected(), many.projected(), 1e-5);
    }
}
