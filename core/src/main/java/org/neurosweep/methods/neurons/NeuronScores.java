package org.neurosweep.methods.neurons;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Attribution scores of neurons (sparse: a neuron that was never attributed has none), e.g. one prompt's, or the sum
 * over the private tokens of a record (DEPN C2 step 3). Immutable.
 */
public final class NeuronScores {

    /** Larger score first, then neuron order: the ranking every selection uses. */
    public static final Comparator<Map.Entry<NeuronId, Double>> BY_SCORE =
            Map.Entry.<NeuronId, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey());

    private final Map<NeuronId, Double> scores;

    private NeuronScores(Map<NeuronId, Double> scores) {
        this.scores = scores;
    }

    public static NeuronScores empty() {
        return new NeuronScores(Map.of());
    }

    /** Given scores (copied). */
    public static NeuronScores of(Map<NeuronId, Double> scores) {
        return new NeuronScores(new HashMap<>(scores));
    }

    /** Every attributed neuron of a prompt. */
    public static NeuronScores of(NeuronAttribution.PromptAttribution a) {
        Map<NeuronId, Double> m = new HashMap<>();
        for (LayerAttribution l : a.layers()) {
            for (LayerAttribution.Group g : l.groups()) {
                float[] att = g.attribution();
                for (int k = 0; k < att.length; k++) {
                    m.put(new NeuronId(l.layer(), g.expert(), k), (double) att[k]);
                }
            }
        }
        return new NeuronScores(m);
    }

    /** The neuron-wise sum; a neuron scored in only one of the two keeps its score. */
    public NeuronScores plus(NeuronScores other) {
        Map<NeuronId, Double> m = new HashMap<>(scores);
        other.scores.forEach((k, v) -> m.merge(k, v, Double::sum));
        return new NeuronScores(m);
    }

    public double score(NeuronId n) {
        return scores.getOrDefault(n, 0.0);
    }

    public int size() {
        return scores.size();
    }

    /** The largest score, −∞ when empty. */
    public double max() {
        return scores.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NEGATIVE_INFINITY);
    }

    /**
     * The neurons scoring ≥ t · max, best first; none when max ≤ 0 (a relative threshold would admit negative
     * scores; docs/methods/neuron-attribution.md).
     */
    public List<NeuronId> atLeastFractionOfMax(double t) {
        double max = max();
        if (!(max > 0)) {
            return List.of();
        }
        return ranked().stream().filter(n -> scores.get(n) >= t * max).toList();
    }

    /** All neurons, best first. */
    public List<NeuronId> ranked() {
        return scores.entrySet().stream().sorted(BY_SCORE).map(Map.Entry::getKey).toList();
    }

    /** The k best neurons of each layer, best first within a layer, layers ascending. */
    public Map<Integer, List<NeuronId>> topPerLayer(int k) {
        Map<Integer, List<NeuronId>> out = new TreeMap<>();
        for (NeuronId n : ranked()) {
            List<NeuronId> layer = out.computeIfAbsent(n.layer(), l -> new ArrayList<>());
            if (layer.size() < k) {
                layer.add(n);
            }
        }
        return out;
    }
}
