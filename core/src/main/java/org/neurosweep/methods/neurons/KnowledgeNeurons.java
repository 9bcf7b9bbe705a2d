package org.neurosweep.methods.neurons;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Knowledge-neuron selection (Dai et al. 2022; docs/methods/neuron-attribution.md): per prompt the neurons with Att ≥ t · max
 * ({@link NeuronScores#atLeastFractionOfMax}); per fact, over its paraphrased prompts, the neurons chosen by at least
 * p · (#prompts) and at least {@code minPrompts} of them. p starts at {@code ratio} and, for a group of facts,
 * moves by {@code step} (down when the facts average fewer than {@code low} neurons, up when more than {@code high})
 * for at most {@code rounds} rounds, until the average lies in [low, high].
 */
public final class KnowledgeNeurons {

    public record Settings(double ratio, double step, int rounds, int minPrompts, double low, double high) {
        public Settings {
            if (!(ratio > 0 && ratio <= 1) || step < 0 || rounds < 0 || minPrompts < 1 || low > high) {
                throw new IllegalArgumentException("knowledge-neuron settings need 0 < ratio ≤ 1, step ≥ 0, rounds ≥ 0, "
                        + "min-prompts ≥ 1 and low ≤ high; got ratio " + ratio + ", step " + step + ", rounds " + rounds
                        + ", min-prompts " + minPrompts + ", [" + low + ", " + high + "]");
            }
        }
    }

    /**
     * @param neurons per fact, its knowledge neurons ranked by votes then summed attribution
     * @param votes   per fact, the votes of its prompts
     * @param ratio   the final p
     * @param rounds  how many times p moved
     */
    public record Selection<K>(Map<K, List<NeuronId>> neurons, Map<K, NeuronVotes> votes, double ratio, int rounds) {

        /** Mean knowledge neurons per fact (0 without facts). */
        public double meanCount() {
            return neurons.values().stream().mapToInt(List::size).average().orElse(0);
        }
    }

    private KnowledgeNeurons() {
    }

    /** @param votes per fact, the votes of its prompts (each voting for its own above-threshold neurons) */
    public static <K> Selection<K> select(Map<K, NeuronVotes> votes, Settings s) {
        double p = s.ratio();
        int moved = 0;
        Map<K, List<NeuronId>> chosen = chosen(votes, p, s.minPrompts());
        while (moved < s.rounds()) {
            double mean = chosen.values().stream().mapToInt(List::size).average().orElse(0);
            double next = mean < s.low() ? p - s.step() : mean > s.high() ? p + s.step() : p;
            if (next == p || next <= 0 || next > 1) {
                break;
            }
            p = next;
            moved++;
            chosen = chosen(votes, p, s.minPrompts());
        }
        return new Selection<>(chosen, votes, p, moved);
    }

    private static <K> Map<K, List<NeuronId>> chosen(Map<K, NeuronVotes> votes, double p, int minPrompts) {
        Map<K, List<NeuronId>> out = new LinkedHashMap<>();
        votes.forEach((fact, v) -> out.put(fact, v.withAtLeast(Math.max(p * v.voters() - 1e-9, minPrompts))));
        return out;
    }
}
