package org.neurosweep.methods.lrp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.data.MlamaDataset;
import org.neurosweep.data.Shard;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.probe.CandidateSource;
import org.neurosweep.methods.probe.FactResult;
import org.neurosweep.methods.probe.MlamaProbe;
import org.neurosweep.methods.probe.ProbeMode;
import org.neurosweep.methods.probe.ProbeSettings;
import org.neurosweep.methods.probe.RelationProbe;
import org.neurosweep.methods.probe.ScoreKind;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.Tokenizer;

/** LRP2 on the dense world model: the invariants of docs/methods/lrp2-mlama.md §6 and the dev/test protocol. */
class Lrp2ProjectionTest {

    private static final int SENTENCES = 48;

    private static CausalLM model;
    private static Tokenizer tokenizer;
    private static LanguageCorpus corpus;
    private static LanguageVectors vectors;
    private static Map<String, List<RelationProbe>> tasks;

    @BeforeAll
    static void load() {
        model = CausalLM.load(RepoPaths.world("dense"));
        tokenizer = Tokenizer.load(RepoPaths.world("dense"));
        corpus = LanguageCorpus.fromMixedText(RepoPaths.dataset("world/pretrain.txt"),
                TemplateLanguageId.fromKnowledgeBase(RepoPaths.dataset("world/world_kb.json"))).limit(SENTENCES);
        vectors = LanguageVectors.compute(model, tokenizer, corpus, List.of("en", "fr"), 16);
        tasks = RelationProbe.load(MlamaDataset.open(RepoPaths.dataset("world/mlama")), List.of("en", "fr"), Shard.all(),
                CandidateSource.relationObjects()).probes().stream()
                .filter(t -> Set.of("P36", "P30").contains(t.relation()))
                .collect(Collectors.groupingBy(RelationProbe::language));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void vectorsArePooledPerSentenceWithoutPadding() {
        LanguageVectors unpadded = LanguageVectors.compute(model, tokenizer, corpus.limit(6), List.of("fr"), 1);
        LanguageVectors padded = LanguageVectors.compute(model, tokenizer, corpus.limit(6), List.of("fr"), 6);
        assertEquals(6, padded.entry("fr").sentences());
        for (int layer = 1; layer <= model.config().numLayers(); layer++) {
            assertArrayEquals(unpadded.vector("fr", layer), padded.vector("fr", layer), 1e-4 * norm(unpadded.vector("fr", layer)),
                    "layer " + layer);
        }
    }

    @Test
    void lirpCentersTheLanguageOnEnglish() {
        int i = 2;
        Hooks lirpOnly = Lrp2Projection.hooks(vectors, "fr", "en", new LayerPair(i, model.config().numLayers()));
        // capture after the layer-i shift; the LSRP shift at layer L does not reach block i
        lirpOnly.capture(HookNames.residPost(i - 1));
        double[] mean = new double[model.config().hiddenSize()];
        int[][] ids = tokenizer.encodeBatch(corpus.sentences("fr"));
        for (int[] sentence : ids) {
            try (Forward f = model.forward(Batch.of(sentence).logitsAt(LogitsAt.last()), lirpOnly, null)) {
                INDArray h = f.captures().get(HookNames.residPost(i - 1)).mean(0, 1);        // (d): the sentence mean
                for (int k = 0; k < mean.length; k++) {
                    mean[k] += h.getDouble(k) / ids.length;
                }
            }
        }
        double[] en = vectors.vector("en", i);
        assertArrayEquals(en, mean, 1e-4 * norm(en), "mean of projected fr sentence means = v^i_en");
        assertFalse(Arrays.equals(vectors.vector("fr", i), en));
    }

    @Test
    void equalLayersCancelExactly() {
        assertTrue(Lrp2Projection.shifts(vectors, "fr", "en", new LayerPair(3, 3)).isEmpty());
        int[] sentence = tokenizer.encode(corpus.sentences("fr").get(0));
        try (Forward base = model.forward(Batch.of(sentence));
             Forward same = model.forward(Batch.of(sentence), Lrp2Projection.hooks(vectors, "fr", "en", new LayerPair(3, 3)), null)) {
            assertEquals(base.logits().value(), same.logits().value(), "LRP2 with i = j is the identity");
        }
    }

    @Test
    void englishIsNeverProjectedAndOtherLanguagesAre() {
        ProbeSettings rank = new ProbeSettings(ProbeMode.RANK, ScoreKind.MEAN, 5, 64);
        MlamaProbe probe = new MlamaProbe(model, tokenizer, rank);
        LayerPair pair = new LayerPair(2, 5);
        List<FactResult> enBase = probe.run(tasks.get("en"), Hooks.none());
        List<FactResult> enProjected = probe.run(tasks.get("en"), Lrp2Projection.hooks(vectors, "en", "en", pair));
        for (int k = 0; k < enBase.size(); k++) {
            assertArrayEquals(enBase.get(k).logProbSums(), enProjected.get(k).logProbSums(), 0.0, enBase.get(k).fact().uuid());
        }
        List<FactResult> frBase = probe.run(tasks.get("fr"), Hooks.none());
        List<FactResult> frProjected = probe.run(tasks.get("fr"), Lrp2Projection.hooks(vectors, "fr", "en", pair));
        boolean changed = false;
        for (int k = 0; k < frBase.size() && !changed; k++) {
            changed = frBase.get(k).logProbSums()[0] != frProjected.get(k).logProbSums()[0];
        }
        assertTrue(changed, "the projection reaches French queries");
    }

    @Test
    void experimentChoosesTheBestDevPairAndReportsTheTestSplit() {
        List<LayerPair> pairs = List.of(new LayerPair(1, 3), new LayerPair(2, 5), new LayerPair(4, 6));
        Lrp2Experiment experiment = new Lrp2Experiment(new MlamaProbe(model, tokenizer, ProbeSettings.exactMatch(128)),
                vectors, new Lrp2Experiment.Settings("en", 0.2, pairs));
        Lrp2Experiment.Result r = experiment.run(tasks);

        List<Lrp2Experiment.GridPoint> fr = r.grid().stream().filter(g -> g.language().equals("fr")).toList();
        assertEquals(pairs.size() + 1, fr.size(), "every pair and the unprojected baseline");
        assertNull(fr.get(0).pair());
        Lrp2Experiment.LanguageSummary frSummary = summary(r, "fr");
        double bestDev = fr.stream().filter(g -> g.pair() != null).mapToDouble(Lrp2Experiment.GridPoint::accuracy).max().orElseThrow();
        assertEquals(bestDev, frSummary.devAccuracyBest());
        assertTrue(pairs.contains(frSummary.best()));

        long facts = tasks.get("fr").stream().mapToLong(t -> t.facts().size()).sum();
        assertEquals(facts, frSummary.devFacts() + frSummary.testFacts(), "dev and test partition the facts");
        assertTrue(frSummary.devFacts() > 0 && frSummary.devFacts() < facts / 2);
        Lrp2Experiment.TestResults frTest = r.test().stream().filter(t -> t.language().equals("fr")).findFirst().orElseThrow();
        assertEquals(uuids(frTest.base()), uuids(frTest.projected()));
        assertTrue(frTest.base().stream().noneMatch(f -> Lrp2Experiment.isDev(f.fact().uuid(), 0.2)));
        assertEquals(frTest.projected().stream().filter(FactResult::correct).count() / (double) frSummary.testFacts(),
                frSummary.accuracyProjected(), 1e-12);

        Lrp2Experiment.LanguageSummary en = summary(r, "en");
        assertNull(en.best(), "English is the pivot, never projected");
        assertEquals(en.accuracyBase(), en.accuracyProjected());
        assertTrue(en.accuracyBase() > frSummary.accuracyBase(), "the cross-lingual gap LRP2 addresses");
    }

    private static Lrp2Experiment.LanguageSummary summary(Lrp2Experiment.Result r, String lang) {
        return r.summaries().stream().filter(s -> s.language().equals(lang)).findFirst().orElseThrow();
    }

    private static List<String> uuids(List<FactResult> results) {
        List<String> out = new ArrayList<>();
        results.forEach(f -> out.add(f.fact().uuid()));
        return out;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
