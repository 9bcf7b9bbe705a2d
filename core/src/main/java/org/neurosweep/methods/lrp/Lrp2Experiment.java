package org.neurosweep.methods.lrp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.probe.FactResult;
import org.neurosweep.methods.probe.MlamaProbe;
import org.neurosweep.methods.probe.RelationProbe;
import org.neurosweep.methods.probe.StableHash;

/**
 * The LRP2 protocol with a clean layer selection (docs/methods/lrp2-mlama.md §4, B5): facts are split by uuid into a
 * dev part ({@code devFraction}) and a test part, the same for every language; for each non-English language the
 * layer pair (i, j) with the highest dev accuracy is chosen (ties: the first in search order), and the probe runs on
 * the test facts without and with that projection. English is never projected; its results are the reference of
 * transferability.
 */
public final class Lrp2Experiment {

    /**
     * @param english     the pivot language code
     * @param devFraction share of facts (by uuid hash) in the dev split, in (0, 1)
     * @param pairs       the layer pairs searched
     */
    public record Settings(String english, double devFraction, List<LayerPair> pairs) {
        public Settings {
            if (!(devFraction > 0 && devFraction < 1)) {
                throw new IllegalArgumentException("dev fraction must lie in (0, 1), got " + devFraction);
            }
            if (pairs.isEmpty()) {
                throw new IllegalArgumentException("LRP2 needs at least one layer pair to search");
            }
            pairs = List.copyOf(pairs);
        }
    }

    /** Dev-split result of one language under one pair ({@code pair} null = no projection). */
    public record GridPoint(String language, LayerPair pair, long facts, long correct, Double transferability) {
        public double accuracy() {
            return facts == 0 ? Double.NaN : (double) correct / facts;
        }
    }

    /**
     * Test-split summary of one language: accuracy and transferability without and with the dev-selected projection
     * ({@code best} null for English, whose figures are then the same twice).
     */
    public record LanguageSummary(String language, long devFacts, long testFacts, double accuracyBase,
                                  Double transferabilityBase, LayerPair best, Double devAccuracyBest,
                                  double accuracyProjected, Double transferabilityProjected) {
    }

    /** Test-split results of one language: per fact, without ({@code base}) and with the chosen projection. */
    public record TestResults(String language, LayerPair pair, List<FactResult> base, List<FactResult> projected) {
    }

    public record Result(List<GridPoint> grid, List<TestResults> test, List<LanguageSummary> summaries) {
    }

    private final MlamaProbe probe;
    private final LanguageVectors vectors;
    private final Settings settings;

    public Lrp2Experiment(MlamaProbe probe, LanguageVectors vectors, Settings settings) {
        this.probe = probe;
        this.vectors = vectors;
        this.settings = settings;
    }

    /** Whether a fact is in the dev split: its uuid's stable hash, so the split is the same in every language. */
    public static boolean isDev(String uuid, double devFraction) {
        return StableHash.unit("lrp2-dev-split:" + uuid) < devFraction;
    }

    /** Runs the protocol over each language's tasks; the pivot language must be among them. */
    public Result run(Map<String, List<RelationProbe>> tasksByLanguage) {
        String en = settings.english();
        if (!tasksByLanguage.containsKey(en)) {
            throw new IllegalArgumentException("LRP2 needs the pivot language '" + en + "' among the probed languages "
                    + tasksByLanguage.keySet());
        }
        Map<String, Boolean> enDev = correctness(probe(split(tasksByLanguage.get(en), true), Hooks.none()));
        List<FactResult> enTest = probe(split(tasksByLanguage.get(en), false), Hooks.none());
        Map<String, Boolean> enTestCorrect = correctness(enTest);

        List<GridPoint> grid = new ArrayList<>();
        List<TestResults> test = new ArrayList<>();
        List<LanguageSummary> summaries = new ArrayList<>();
        long enDevFacts = enDev.size();
        summaries.add(new LanguageSummary(en, enDevFacts, enTest.size(), accuracy(enTest), null, null, null,
                accuracy(enTest), null));
        test.add(new TestResults(en, null, enTest, enTest));
        for (Map.Entry<String, List<RelationProbe>> e : tasksByLanguage.entrySet()) {
            String lang = e.getKey();
            if (lang.equals(en)) {
                continue;
            }
            List<RelationProbe> dev = split(e.getValue(), true);
            grid.add(gridPoint(lang, null, probe(dev, Hooks.none()), enDev));
            GridPoint best = null;
            for (LayerPair pair : settings.pairs()) {
                GridPoint point = gridPoint(lang, pair, probe(dev, Lrp2Projection.hooks(vectors, lang, en, pair)), enDev);
                grid.add(point);
                if (best == null || point.accuracy() > best.accuracy()) {
                    best = point;
                }
            }
            List<RelationProbe> testTasks = split(e.getValue(), false);
            List<FactResult> base = probe(testTasks, Hooks.none());
            List<FactResult> projected = probe(testTasks, Lrp2Projection.hooks(vectors, lang, en, best.pair()));
            test.add(new TestResults(lang, best.pair(), base, projected));
            summaries.add(new LanguageSummary(lang, best.facts(), base.size(), accuracy(base),
                    Transferability.of(correctness(base), enTestCorrect), best.pair(), best.accuracy(),
                    accuracy(projected), Transferability.of(correctness(projected), enTestCorrect)));
        }
        return new Result(grid, test, summaries);
    }

    private List<RelationProbe> split(List<RelationProbe> tasks, boolean dev) {
        return tasks.stream().map(t -> t.filtered(f -> isDev(f.uuid(), settings.devFraction()) == dev)).toList();
    }

    private List<FactResult> probe(List<RelationProbe> tasks, Hooks hooks) {
        return probe.run(tasks, hooks);
    }

    private static GridPoint gridPoint(String lang, LayerPair pair, List<FactResult> results, Map<String, Boolean> en) {
        long correct = results.stream().filter(FactResult::correct).count();
        return new GridPoint(lang, pair, results.size(), correct, Transferability.of(correctness(results), en));
    }

    private static Map<String, Boolean> correctness(List<FactResult> results) {
        Map<String, Boolean> byUuid = new HashMap<>();
        results.forEach(r -> byUuid.put(r.fact().uuid(), r.correct()));
        return byUuid;
    }

    private static double accuracy(List<FactResult> results) {
        return results.isEmpty() ? Double.NaN : (double) results.stream().filter(FactResult::correct).count()
                / results.size();
    }
}
