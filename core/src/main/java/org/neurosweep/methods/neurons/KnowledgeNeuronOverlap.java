package org.neurosweep.methods.neurons;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The knowledge-neuron overlap analysis of LRP2 (Xu et al. 2023, B6.2): per prompt the {@code perLayer} neurons of
 * each layer with the largest attribution; per relation and layer the {@code perLayer} neurons chosen by the most of
 * the relation's prompts (ties: larger summed attribution, then neuron order), giving KN_r = ∪_l KN_r^l; the
 * overlap of two such sets is |A ∩ B| / min(|A|, |B|).
 */
public final class KnowledgeNeuronOverlap {

    private KnowledgeNeuronOverlap() {
    }

    /** One prompt of the relation votes for its {@code perLayer} best neurons of each layer. */
    public static void vote(NeuronVotes relation, NeuronScores prompt, int perLayer) {
        relation.add(prompt.topPerLayer(perLayer).values().stream().flatMap(List::stream).toList(), prompt);
    }

    /** KN_r: per layer, the {@code perLayer} neurons with the most votes of the relation's prompts. */
    public static Set<NeuronId> relationNeurons(NeuronVotes relation, int perLayer) {
        Set<NeuronId> out = new TreeSet<>();
        Map<Integer, Integer> taken = new HashMap<>();
        for (NeuronId n : relation.ranked()) {
            if (taken.merge(n.layer(), 1, Integer::sum) <= perLayer) {
                out.add(n);
            }
        }
        return out;
    }

    /** |a ∩ b| / min(|a|, |b|); 0 when either is empty. */
    public static double overlap(Set<NeuronId> a, Set<NeuronId> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        return (double) shared(a, b) / Math.min(a.size(), b.size());
    }

    public static int shared(Set<NeuronId> a, Set<NeuronId> b) {
        return (int) a.stream().filter(b::contains).count();
    }
}
