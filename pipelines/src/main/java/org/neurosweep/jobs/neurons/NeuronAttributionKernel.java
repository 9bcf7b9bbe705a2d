package org.neurosweep.jobs.neurons;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.neurosweep.data.MlamaDataset;
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
                    KnowledgeNeurons.Settings bag, double storeFraction, int storeTop, int overlapTop) {

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
                    storeFraction, storeTop, overlapTop);
        }
    }

    /** A fact in one language: the key of its bag of paraphrased prompts. */
    private record FactKey(String language, String relation, String uuid) {
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        Settings s = Settings.of(unit.params());
        ModelHandle model = in.model();
        FactPrompt.Loaded loaded = FactPrompt.load(MlamaDataset.open(in.dataset()), s.languages(), unit.dataset().shard(),
                unit.dataset().maxRecords(), model.tokenizer(), model.tokenizer().answerMask(model.config().causal(), model.config().modelType()));
        out.badRecords(loaded.badRecords());
        NeuronAttribution kn = new NeuronAttribution(model.model());
        int[] layers = kn.layers(s.layers());

        Map<FactKey, NeuronVotes> facts = new LinkedHashMap<>();
        Map<FactKey, FactPrompt> factRecords = new LinkedHashMap<>();
        Map<List<String>, NeuronVotes> relations = new TreeMap<>((a, b) -> String.join("\0", a).compareTo(String.join("\0", b)));
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
                KnowledgeNeuronOverlap.vote(relations.computeIfAbsent(List.of(key.language(), key.relation()),
                        k -> new NeuronVotes()), scores, s.overlapTop());
            }
        }
        writeKnowledgeNeurons(out.table(NeuronAttributionJob.KNOWLEDGE), facts, factRecords, s);
        if (s.overlapTop() > 0) {
            writeOverlap(out.table(NeuronAttributionJob.OVERLAP), relations, s.overlapTop());
        }
    }

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
    private static void writeOverlap(TableRows rows, Map<List<String>, NeuronVotes> relations, int perLayer) {
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
                rows.add(null, a.get(0), b.get(0), a.get(1), b.get(1), a.get(1).equals(b.get(1)), perLayer,
                        relations.get(a).voters(), relations.get(b).voters(), sa.size(), sb.size(),
                        KnowledgeNeuronOverlap.shared(sa, sb), KnowledgeNeuronOverlap.overlap(sa, sb));
            }
        }
    }
}
