package org.neurosweep.jobs.neurons;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.jobs.probe.MlamaInputs;
import org.neurosweep.methods.lrp.LanguageCorpus;
import org.neurosweep.methods.lrp.LanguageVectors;
import org.neurosweep.methods.lrp.LayerPair;
import org.neurosweep.methods.lrp.Lrp2Projection;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.methods.attribution.RiemannGrid;
import org.neurosweep.methods.neurons.FactPrompt;
import org.neurosweep.methods.neurons.KnowledgeNeuronOverlap;
import org.neurosweep.methods.neurons.KnowledgeNeurons;
import org.neurosweep.methods.neurons.LayerAttribution;
import org.neurosweep.methods.neurons.NeuronAttribution;
import org.neurosweep.methods.neurons.NeuronId;
import org.neurosweep.methods.neurons.NeuronScores;
import org.neurosweep.methods.neurons.NeuronVotes;

/**
 * Attributes every (fact, template) prompt of the unit's shard, one prompt at a time (each layer: one batch of
 * m + 1 copies of the prompt); then selects each fact's knowledge neurons per (language, relation) and compares the
 * per-relation neuron sets across languages. Stateless.
 */
final class NeuronAttributionKernel implements Kernel {

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new NeuronAttributionKernel();
        }
    }

    /** The parameters, checked. */
    record Settings(int steps, RiemannGrid grid, List<Integer> layers, List<String> languages, double promptThreshold,
                    KnowledgeNeurons.Settings bag, double storeFraction, int storeTop, int overlapTop,
                    Map<String, String> lrp2, String english, int lrp2Sentences) {

        static Settings of(Params p) {
            int steps = p.getInt(NeuronAttributionJob.STEPS);
            if (steps < 1) {
                throw new IllegalArgumentException("parameter " + NeuronAttributionJob.STEPS + " must be >= 1, got " + steps);
            }
            List<Double> target = p.getDoubleList(NeuronAttributionJob.BAG_TARGET);
            if (target.size() != 2) {
                throw new IllegalArgumentException("parameter " + NeuronAttributionJob.BAG_TARGET + " must be [low, high], got " + target);
            }
            double threshold = p.getDouble(NeuronAttributionJob.PROMPT_THRESHOLD);
            double storeFraction = p.getDouble(NeuronAttributionJob.STORE_FRACTION);
            if (!(threshold > 0 && threshold <= 1) || !(storeFraction > 0 && storeFraction <= 1)) {
                throw new IllegalArgumentException("parameters " + NeuronAttributionJob.PROMPT_THRESHOLD + " and "
                        + NeuronAttributionJob.STORE_FRACTION + " must lie in (0, 1], got " + threshold + " and " + storeFraction);
            }
            int storeTop = p.getInt(NeuronAttributionJob.STORE_TOP);
            int overlapTop = p.getInt(NeuronAttributionJob.OVERLAP_TOP);
            if (storeTop < 0 || overlapTop < 0) {
                throw new IllegalArgumentException("parameters " + NeuronAttributionJob.STORE_TOP + " and "
                        + NeuronAttributionJob.OVERLAP_TOP + " must be >= 0");
            }
            return new Settings(steps, RiemannGrid.parse(p.getString(NeuronAttributionJob.GRID), "parameter grid"),
                    p.getIntList(NeuronAttributionJob.LAYERS), p.getStringList(NeuronAttributionJob.LANGUAGES), threshold,
                    new KnowledgeNeurons.Settings(p.getDouble(NeuronAttributionJob.BAG_RATIO),
                            p.getDouble(NeuronAttributionJob.BAG_STEP), p.getInt(NeuronAttributionJob.BAG_ROUNDS),
                            p.getInt(NeuronAttributionJob.BAG_MIN_PROMPTS), target.get(0), target.get(1)),
                    storeFraction, storeTop, overlapTop, lrp2(p.getStringList(NeuronAttributionJob.LRP2)),
                    p.getString(NeuronAttributionJob.ENGLISH), p.getInt(NeuronAttributionJob.LRP2_SENTENCES));
        }

        // "LANG:i-j" -> LANG -> "i-j" (the pair is checked against the model's layers once it is loaded)
        private static Map<String, String> lrp2(List<String> specs) {
            Map<String, String> out = new TreeMap<>();
            for (String spec : specs) {
                int colon = spec.indexOf(':');
                if (colon <= 0 || out.put(spec.substring(0, colon).trim(), spec.substring(colon + 1).trim()) != null) {
                    throw new IllegalArgumentException("parameter " + NeuronAttributionJob.LRP2 + ": '" + spec
                            + "' must be \"LANG:i-j\", one per language");
                }
            }
            return out;
        }
    }

    /** A fact in one language: the key of its bag of paraphrased prompts. */
    private record FactKey(String language, String relation, String uuid) {
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        Settings s = Settings.of(unit.params());
        ModelHandle model = in.model();
        FactPrompt.Loaded loaded = FactPrompt.load(MlamaInputs.mlama(unit.dataset(), in.dataset()), s.languages(),
                unit.dataset().shard(), unit.dataset().maxRecords(), model.tokenizer(),
                model.tokenizer().answerMask(model.config().causal(), model.config().modelType()));
        out.badRecords(loaded.badRecords());
        NeuronAttribution kn = new NeuronAttribution(model.model());
        int[] layers = kn.layers(s.layers());
        Map<String, NeuronAttribution> projected = projections(unit, in, out, s);

        Map<FactKey, NeuronVotes> facts = new LinkedHashMap<>();
        Map<FactKey, FactPrompt> factRecords = new LinkedHashMap<>();
        Map<List<String>, NeuronVotes> relations = new TreeMap<>(KEY_ORDER);
        Map<List<String>, NeuronVotes> relationsLrp2 = new TreeMap<>(KEY_ORDER);
        for (FactPrompt p : loaded.prompts()) {
            NeuronAttribution.PromptAttribution a = kn.attribute(p.ids(), p.answer(), p.target(), layers, s.steps(), s.grid());
            NeuronScores scores = NeuronScores.of(a);
            List<NeuronId> chosen = scores.atLeastFractionOfMax(s.promptThreshold());
            writeAttribution(out.table(NeuronAttributionJob.ATTRIBUTION), p, scores, a, new HashSet<>(chosen), s);
            writeDiagnostics(out.table(NeuronAttributionJob.DIAGNOSTICS), p, a, s);
            FactKey key = new FactKey(p.fact().language(), p.fact().predicateId(), p.fact().uuid());
            facts.computeIfAbsent(key, k -> new NeuronVotes()).add(chosen, scores);
            factRecords.putIfAbsent(key, p);
            if (s.overlapTop() > 0) {
                List<String> relation = List.of(key.language(), key.relation());
                KnowledgeNeuronOverlap.vote(relations.computeIfAbsent(relation, k -> new NeuronVotes()), scores, s.overlapTop());
                if (!projected.isEmpty()) {
                    NeuronAttribution lrp2 = projected.get(key.language());
                    NeuronScores under = lrp2 == null ? scores
                            : NeuronScores.of(lrp2.attribute(p.ids(), p.target(), layers, s.steps(), s.grid()));
                    KnowledgeNeuronOverlap.vote(relationsLrp2.computeIfAbsent(relation, k -> new NeuronVotes()), under,
                            s.overlapTop());
                }
            }
        }
        writeKnowledgeNeurons(out.table(NeuronAttributionJob.KNOWLEDGE), facts, factRecords, s);
        if (s.overlapTop() > 0) {
            writeOverlap(out.table(NeuronAttributionJob.OVERLAP), relations, s.overlapTop(), "base", Map.of());
            if (!projected.isEmpty()) {
                writeOverlap(out.table(NeuronAttributionJob.OVERLAP), relationsLrp2, s.overlapTop(), "lrp2", s.lrp2());
            }
        }
    }

    private static final java.util.Comparator<List<String>> KEY_ORDER =
            (a, b) -> String.join("\0", a).compareTo(String.join("\0", b));

    /**
     * Per language of parameter lrp2, an attribution engine with that language's LRP2 projection in every forward
     * (the language vectors pooled from the dataset's corpus, format mlama-corpus, as the lrp2 job builds them).
     */
    private static Map<String, NeuronAttribution> projections(WorkUnit unit, UnitInputs in, RowSink out, Settings s) {
        if (s.lrp2().isEmpty() || s.overlapTop() == 0) {
            return Map.of();
        }
        ModelHandle model = in.model();
        int blocks = model.config().numLayers();
        Map<String, LayerPair> pairs = new TreeMap<>();
        s.lrp2().forEach((language, spec) -> {
            if (language.equals(s.english())) {
                throw new IllegalArgumentException("parameter " + NeuronAttributionJob.LRP2 + " projects the pivot language '"
                        + language + "', which LRP2 never projects");
            }
            pairs.put(language, LayerPair.parse(spec, blocks, "parameter " + NeuronAttributionJob.LRP2 + " (" + language + ")"));
        });
        List<String> languages = new ArrayList<>(pairs.keySet());
        languages.add(s.english());
        LanguageCorpus corpus = MlamaInputs.corpus(unit.dataset(), in.dataset(), languages, s.lrp2Sentences());
        out.badRecords(corpus.badRecords());
        int microBatch = in.microBatch(ForwardFootprint.bytes(model.config(), CORPUS_TOKENS, CORPUS_TOKENS));
        LanguageVectors vectors = LanguageVectors.compute(model.model(), model.tokenizer(), corpus, languages, microBatch);
        Map<String, NeuronAttribution> engines = new TreeMap<>();
        pairs.forEach((language, pair) -> engines.put(language, new NeuronAttribution(model.model(),
                () -> Lrp2Projection.hooks(vectors, language, s.english(), pair))));
        return engines;
    }

    /** Tokens of a corpus sentence, generously, for the micro-batch of the language vectors. */
    private static final int CORPUS_TOKENS = 128;

    // the stored subset: Att >= store-fraction x max (max > 0), or among the store-top of its layer
    private static void writeAttribution(TableRows rows, FactPrompt p, NeuronScores scores,
                                         NeuronAttribution.PromptAttribution a, Set<NeuronId> chosen, Settings s) {
        Set<NeuronId> stored = new HashSet<>(scores.atLeastFractionOfMax(s.storeFraction()));
        scores.topPerLayer(s.storeTop()).values().forEach(stored::addAll);
        Map<NeuronId, Float> activation = new TreeMap<>();
        for (LayerAttribution l : a.layers()) {
            for (LayerAttribution.Group g : l.groups()) {
                for (int k = 0; k < g.activation().length; k++) {
                    NeuronId n = new NeuronId(l.layer(), g.expert(), k);
                    if (stored.contains(n)) {
                        activation.put(n, g.activation()[k]);
                    }
                }
            }
        }
        List<NeuronId> ranked = scores.ranked();
        for (int r = 0; r < ranked.size(); r++) {
            NeuronId n = ranked.get(r);
            if (stored.contains(n)) {
                rows.add(p.fact().uuid(), p.fact().language(), p.fact().predicateId(), p.fact().uuid(), p.templateIndex(),
                        p.prompt(), p.target(), p.targetText(), n.layer(), n.expert(), n.index(), activation.get(n),
                        scores.score(n), r + 1, chosen.contains(n), s.steps(), s.grid().id(), "prob");
            }
        }
    }

    private static void writeDiagnostics(TableRows rows, FactPrompt p, NeuronAttribution.PromptAttribution a, Settings s) {
        for (LayerAttribution l : a.layers()) {
            int[] experts = l.groups().stream().mapToInt(LayerAttribution.Group::expert).toArray();
            rows.add(p.fact().uuid(), p.fact().language(), p.fact().predicateId(), p.fact().uuid(), p.templateIndex(),
                    l.layer(), experts, l.pFull(), l.pZero(), l.sum(), l.completenessGap(), l.max(), s.steps(), s.grid().id());
        }
    }

    // selection per (language, relation) group of facts, each group with its own adaptive ratio
    private static void writeKnowledgeNeurons(TableRows rows, Map<FactKey, NeuronVotes> facts,
                                              Map<FactKey, FactPrompt> records, Settings s) {
        Map<List<String>, Map<FactKey, NeuronVotes>> groups = new LinkedHashMap<>();
        facts.forEach((k, v) -> groups.computeIfAbsent(List.of(k.language(), k.relation()), g -> new LinkedHashMap<>()).put(k, v));
        for (Map<FactKey, NeuronVotes> group : groups.values()) {
            KnowledgeNeurons.Selection<FactKey> sel = KnowledgeNeurons.select(group, s.bag());
            sel.neurons().forEach((key, neurons) -> {
                NeuronVotes votes = group.get(key);
                FactPrompt p = records.get(key);
                for (int r = 0; r < neurons.size(); r++) {
                    NeuronId n = neurons.get(r);
                    rows.add(key.uuid(), key.language(), key.relation(), key.uuid(), p.fact().subLabel(), p.fact().objLabel(),
                            votes.voters(), n.layer(), n.expert(), n.index(), votes.votes(n), votes.summedScore(n), r + 1,
                            sel.ratio(), sel.rounds());
                }
            });
        }
    }

    // every pair of languages, every pair of their relations
    private static void writeOverlap(TableRows rows, Map<List<String>, NeuronVotes> relations, int perLayer,
                                     String condition, Map<String, String> lrp2) {
        List<List<String>> keys = new ArrayList<>(relations.keySet());
        Map<List<String>, Set<NeuronId>> sets = new LinkedHashMap<>();
        keys.forEach(k -> sets.put(k, KnowledgeNeuronOverlap.relationNeurons(relations.get(k), perLayer)));
        for (List<String> a : keys) {
            for (List<String> b : keys) {
                if (a.get(0).compareTo(b.get(0)) >= 0) {
                    continue;
                }
                Set<NeuronId> sa = sets.get(a);
                Set<NeuronId> sb = sets.get(b);
                rows.add(null, a.get(0), b.get(0), a.get(1), b.get(1), a.get(1).equals(b.get(1)), condition,
                        lrp2.get(a.get(0)), lrp2.get(b.get(0)), perLayer, relations.get(a).voters(), relations.get(b).voters(),
                        sa.size(), sb.size(), KnowledgeNeuronOverlap.shared(sa, sb), KnowledgeNeuronOverlap.overlap(sa, sb));
            }
        }
    }
}
