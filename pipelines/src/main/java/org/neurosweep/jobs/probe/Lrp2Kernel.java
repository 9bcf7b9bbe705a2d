package org.neurosweep.jobs.probe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.neurosweep.data.MlamaFact;
import org.neurosweep.data.Shard;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.methods.lrp.LanguageCorpus;
import org.neurosweep.methods.lrp.LanguageVectors;
import org.neurosweep.methods.lrp.LayerPair;
import org.neurosweep.methods.lrp.LayerSimilarity;
import org.neurosweep.methods.lrp.Lrp2Experiment;
import org.neurosweep.methods.probe.FactResult;
import org.neurosweep.methods.probe.MlamaProbe;
import org.neurosweep.methods.probe.ProbeQuery;
import org.neurosweep.methods.probe.ProbeSettings;
import org.neurosweep.methods.probe.RelationProbe;

import static org.neurosweep.jobs.JobTables.orNull;

/** Runs the LRP2 protocol for one model over one (unsharded) dataset; stateless. */
final class Lrp2Kernel implements Kernel {

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new Lrp2Kernel();
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        if (unit.dataset().shard().count() > 1) {
            throw new IllegalArgumentException("lrp2 reads whole datasets (its dev/test split needs every fact); dataset '"
                    + unit.dataset().name() + "' is split into " + unit.dataset().shard().count() + " shards: set shards = 1");
        }
        Params p = unit.params();
        String english = p.getString(Lrp2Job.ENGLISH);
        Path local = in.dataset();
        RelationProbe.Loaded loaded = RelationProbe.load(MlamaInputs.mlama(unit.dataset(), local),
                ProbeParams.languages(p), Shard.all(), ProbeParams.candidates(p, local));
        out.badRecords(loaded.badRecords());
        Map<String, List<RelationProbe>> byLanguage = new LinkedHashMap<>();
        for (RelationProbe task : MlamaProbeKernel.limited(loaded.probes(), unit.dataset().maxRecords())) {
            byLanguage.computeIfAbsent(task.language(), k -> new ArrayList<>()).add(task);
        }
        List<String> languages = List.copyOf(byLanguage.keySet());
        LanguageCorpus corpus = MlamaInputs.corpus(unit.dataset(), local, languages, p.getInt(Lrp2Job.MAX_SENTENCES));
        out.badRecords(corpus.badRecords());

        ModelHandle model = in.model();
        int layers = model.config().numLayers();
        int microBatch = in.microBatch(ForwardFootprint.bytes(model.config(), MlamaProbeKernel.SEQUENCE_TOKENS,
                MlamaProbeKernel.SEQUENCE_TOKENS));
        LanguageVectors vectors = LanguageVectors.compute(model.model(), model.tokenizer(), corpus, languages, microBatch);
        writeVectors(out.table(Lrp2Job.VECTORS), vectors, corpus.source());

        ProbeSettings settings = ProbeParams.settings(p, microBatch);
        Lrp2Experiment.Settings protocol = new Lrp2Experiment.Settings(english, p.getDouble(Lrp2Job.DEV_FRACTION),
                pairs(p.getStringList(Lrp2Job.LAYER_PAIRS), layers));
        Lrp2Experiment.Result result = new Lrp2Experiment(new MlamaProbe(model.model(), model.tokenizer(), settings),
                vectors, protocol).run(byLanguage);
        write(out, result, english);
        if (p.getBoolean(Lrp2Job.LAYER_SIMILARITY)) {
            writeSimilarity(out.table(Lrp2Job.SIMILARITY), model, vectors, byLanguage, result, english,
                    p.getDouble(Lrp2Job.DEV_FRACTION), p.getInt(Lrp2Job.SIMILARITY_FACTS), microBatch);
        }
    }

    // B6.1 over the test facts each language shares with English, under the pair chosen on dev
    private static void writeSimilarity(TableRows rows, ModelHandle model, LanguageVectors vectors,
                                        Map<String, List<RelationProbe>> byLanguage, Lrp2Experiment.Result result,
                                        String english, double devFraction, int maxFacts, int microBatch) {
        Map<String, String> en = testPrompts(byLanguage.get(english), devFraction);
        for (Lrp2Experiment.LanguageSummary s : result.summaries()) {
            Map<String, String> own = testPrompts(byLanguage.get(s.language()), devFraction);
            List<String> queries = new ArrayList<>();
            List<String> englishQueries = new ArrayList<>();
            for (Map.Entry<String, String> e : own.entrySet()) {
                if (en.containsKey(e.getKey()) && (maxFacts == 0 || queries.size() < maxFacts)) {
                    queries.add(e.getValue());
                    englishQueries.add(en.get(e.getKey()));
                }
            }
            LayerSimilarity.Result r = LayerSimilarity.compute(model.model(), model.tokenizer(), vectors, s.language(),
                    english, queries, englishQueries, s.best(), microBatch);
            for (int layer = 1; layer <= vectors.layers(); layer++) {
                rows.add(null, s.language(), layer, lirp(s.best()), lsrp(s.best()), "test", "mean_over_query_tokens",
                        r.pairs(), orNull(r.base()[layer - 1]), orNull(r.projected()[layer - 1]));
            }
        }
    }

    // uuid -> the query's prompt, for the test facts of one language, in uuid order
    private static Map<String, String> testPrompts(List<RelationProbe> tasks, double devFraction) {
        Map<String, String> out = new TreeMap<>();
        for (RelationProbe t : tasks) {
            for (MlamaFact f : t.facts()) {
                if (!Lrp2Experiment.isDev(f.uuid(), devFraction)) {
                    out.put(f.uuid(), ProbeQuery.of(t.template(), f).prompt());
                }
            }
        }
        return out;
    }

    private static void writeVectors(TableRows rows, LanguageVectors vectors, String corpus) {
        for (LanguageVectors.Entry e : vectors.entries()) {
            for (int layer = 1; layer <= vectors.layers(); layer++) {
                double[] v = e.byLayer()[layer - 1];
                float[] f = new float[v.length];
                double norm = 0;
                for (int k = 0; k < v.length; k++) {
                    f[k] = (float) v[k];
                    norm += v[k] * v[k];
                }
                rows.add(null, e.language(), layer, "pre_final_norm", corpus, "mean_of_sentence_means", e.sentences(),
                        e.tokens(), f, Math.sqrt(norm));
            }
        }
    }

    private static void write(RowSink out, Lrp2Experiment.Result result, String english) {
        TableRows grid = out.table(Lrp2Job.GRID);
        for (Lrp2Experiment.GridPoint g : result.grid()) {
            grid.add(null, g.language(), lirp(g.pair()), lsrp(g.pair()), "dev", g.facts(), g.correct(), g.accuracy(),
                    g.transferability());
        }
        TableRows items = out.table(Lrp2Job.ITEMS);
        for (Lrp2Experiment.TestResults t : result.test()) {
            for (FactResult r : t.base()) {
                items.add(r.fact().uuid(), ProbeColumns.item(r, "base", null, null));
            }
            if (t.pair() != null) {
                for (FactResult r : t.projected()) {
                    items.add(r.fact().uuid(), ProbeColumns.item(r, "lrp2", t.pair().lirp(), t.pair().lsrp()));
                }
            }
        }
        double en = result.summaries().stream().filter(s -> s.language().equals(english)).findFirst()
                .orElseThrow().accuracyBase();
        TableRows summary = out.table(Lrp2Job.SUMMARY);
        for (Lrp2Experiment.LanguageSummary s : result.summaries()) {
            boolean pivot = s.best() == null;
            summary.add(null, s.language(), s.devFacts(), s.testFacts(), "dev", lirp(s.best()), lsrp(s.best()),
                    s.devAccuracyBest(), s.accuracyBase(), s.accuracyProjected(), s.transferabilityBase(),
                    s.transferabilityProjected(), pivot ? null : en - s.accuracyBase(),
                    pivot ? null : en - s.accuracyProjected());
        }
    }

    /** "i-j" strings, or every pair of the model when empty. */
    static List<LayerPair> pairs(List<String> specs, int layers) {
        if (specs.isEmpty()) {
            return LayerPair.searchSpace(layers);
        }
        List<LayerPair> pairs = new ArrayList<>();
        for (String s : specs) {
            pairs.add(LayerPair.parse(s, layers, "parameter " + Lrp2Job.LAYER_PAIRS));
        }
        return pairs;
    }

    private static Integer lirp(LayerPair p) {
        return p == null ? null : p.lirp();
    }

    private static Integer lsrp(LayerPair p) {
        return p == null ? null : p.lsrp();
    }
}
