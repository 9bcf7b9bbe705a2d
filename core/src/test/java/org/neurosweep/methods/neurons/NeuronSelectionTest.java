package org.neurosweep.methods.neurons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Thresholds, votes, the adaptive per-fact selection and the overlap, on hand-made scores. */
class NeuronSelectionTest {

    private static NeuronId n(int layer, int index) {
        return new NeuronId(layer, NeuronId.DENSE, index);
    }

    // scores[layer][index]
    private static NeuronScores scores(double[]... layers) {
        Map<NeuronId, Double> m = new HashMap<>();
        for (int l = 0; l < layers.length; l++) {
            for (int k = 0; k < layers[l].length; k++) {
                m.put(n(l, k), layers[l][k]);
            }
        }
        return NeuronScores.of(m);
    }

    @Test
    void relativeThresholdKeepsNeuronsNearTheMaximumAndNothingWhenTheMaximumIsNotPositive() {
        NeuronScores s = scores(new double[] {1.0, 0.25, 0.1}, new double[] {0.5, -2.0});
        assertEquals(List.of(n(0, 0), n(1, 0), n(0, 1)), s.atLeastFractionOfMax(0.2));
        assertEquals(List.of(), scores(new double[] {-1.0, 0.0}).atLeastFractionOfMax(0.2), "docs/methods/neuron-attribution.md");
        assertEquals(Map.of(0, List.of(n(0, 0), n(0, 1)), 1, List.of(n(1, 0), n(1, 1))), s.topPerLayer(2));
    }

    @Test
    void sumsAreNeuronWise() {
        NeuronScores a = scores(new double[] {1.0, 2.0});
        NeuronScores b = scores(new double[] {0.5}, new double[] {3.0});
        NeuronScores sum = a.plus(b);
        assertEquals(1.5, sum.score(n(0, 0)), 1e-12);
        assertEquals(2.0, sum.score(n(0, 1)), 1e-12);
        assertEquals(3.0, sum.score(n(1, 0)), 1e-12);
        assertEquals(3, sum.size());
    }

    @Test
    void votesRankByCountThenSummedScoreThenNeuron() {
        NeuronScores s = scores(new double[] {1.0, 2.0, 3.0});
        NeuronVotes v = new NeuronVotes()
                .add(List.of(n(0, 0), n(0, 1)), s)
                .add(List.of(n(0, 0), n(0, 2)), s)
                .add(List.of(n(0, 1)), s);
        assertEquals(3, v.voters());
        assertEquals(List.of(n(0, 1), n(0, 0), n(0, 2)), v.ranked(), "2 votes (sum 4) before 2 votes (sum 2)");
        assertEquals(List.of(n(0, 1)), v.top(1));
        assertEquals(3, v.top(10).size(), "z larger than the voted set gives every voted neuron");
        assertTrue(v.top(10).stream().allMatch(x -> v.votes(x) <= v.voters()));
    }

    @Test
    void perFactSelectionLowersTheRatioUntilTheAverageReachesTheTarget() {
        // one fact, 10 prompts; neuron i is chosen by 10 - i prompts
        NeuronScores s = scores(new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
        NeuronVotes v = new NeuronVotes();
        for (int prompt = 0; prompt < 10; prompt++) {
            List<NeuronId> chosen = new ArrayList<>();
            for (int i = 0; i < 10 - prompt; i++) {
                chosen.add(n(0, i));
            }
            v.add(chosen, s);
        }
        Map<String, NeuronVotes> facts = new LinkedHashMap<>();
        facts.put("fact", v);
        // p = 0.7 keeps neurons with ≥ 7 votes: 0..3 (4 neurons), within [2, 5]: p stays
        KnowledgeNeurons.Selection<String> stay = KnowledgeNeurons.select(facts,
                new KnowledgeNeurons.Settings(0.7, 0.05, 6, 3, 2, 5));
        assertEquals(4, stay.neurons().get("fact").size());
        assertEquals(0, stay.rounds());
        // target [6, 8]: p moves down by 0.05 until ≥ 6 neurons (p = 0.5 keeps votes ≥ 5: 6 neurons)
        KnowledgeNeurons.Selection<String> down = KnowledgeNeurons.select(facts,
                new KnowledgeNeurons.Settings(0.7, 0.05, 6, 3, 6, 8));
        assertEquals(6, down.neurons().get("fact").size());
        assertEquals(0.5, down.ratio(), 1e-9);
        assertEquals(4, down.rounds());
        // at most 1 round: p = 0.65 keeps votes ≥ 6.5 → 4 neurons
        assertEquals(4, KnowledgeNeurons.select(facts, new KnowledgeNeurons.Settings(0.7, 0.05, 1, 3, 6, 8))
                .neurons().get("fact").size());
        // min-prompts wins over a small ratio
        assertEquals(2, KnowledgeNeurons.select(facts, new KnowledgeNeurons.Settings(0.1, 0, 0, 9, 0, 100))
                .neurons().get("fact").size());
        assertThrows(IllegalArgumentException.class, () -> new KnowledgeNeurons.Settings(0, 0.05, 6, 3, 2, 5));
    }

    @Test
    void relationNeuronsAreTheMostFrequentPerLayerAndOverlapIsSharedOverTheSmallerSet() {
        NeuronScores p1 = scores(new double[] {3, 2, 1, 0}, new double[] {0, 1, 2, 3});
        NeuronScores p2 = scores(new double[] {1, 3, 2, 0}, new double[] {3, 2, 1, 0});
        NeuronVotes relation = new NeuronVotes();
        KnowledgeNeuronOverlap.vote(relation, p1, 2);
        KnowledgeNeuronOverlap.vote(relation, p2, 2);
        Set<NeuronId> kn = KnowledgeNeuronOverlap.relationNeurons(relation, 2);
        // layer 0: top-2 of p1 {0, 1}, of p2 {1, 2} → 1 (2 votes), then 0 (sum 4) vs 2 (sum 3) → {0, 1}
        // layer 1: top-2 of p1 {3, 2}, of p2 {0, 1} → all one vote; sums 3 (n3 in p1), 2 (n2), 3 (n0 in p2), 2 (n1)
        assertEquals(Set.of(n(0, 0), n(0, 1), n(1, 0), n(1, 3)), kn);
        assertEquals(1.0, KnowledgeNeuronOverlap.overlap(kn, kn));
        assertEquals(0.5, KnowledgeNeuronOverlap.overlap(kn, Set.of(n(0, 0), n(0, 1), n(2, 0), n(2, 1))));
        assertEquals(0.0, KnowledgeNeuronOverlap.overlap(kn, Set.of()));
    }
}
