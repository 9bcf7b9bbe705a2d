package org.neurosweep.methods.neurons;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Votes for neurons: each voter (a prompt of a fact, a private record of a batch) names a set of neurons and
 * adds its score of each. Ranking: more votes first, then a larger summed score, then neuron order (docs/methods/neuron-attribution.md
 * C-7).
 */
public final class NeuronVotes {

    private final Map<NeuronId, Integer> votes = new HashMap<>();
    private final Map<NeuronId, Double> summed = new HashMap<>();
    private int voters;

    /** One voter: every neuron of {@code chosen} gets a vote and {@code scores}' score of it. */
    public NeuronVotes add(Collection<NeuronId> chosen, NeuronScores scores) {
        voters++;
        for (NeuronId n : chosen) {
            votes.merge(n, 1, Integer::sum);
            summed.merge(n, scores.score(n), Double::sum);
        }
        return this;
    }

    public int voters() {
        return voters;
    }

    public int votes(NeuronId n) {
        return votes.getOrDefault(n, 0);
    }

    public double summedScore(NeuronId n) {
        return summed.getOrDefault(n, 0.0);
    }

    /** Every neuron with a vote, ranked. */
    public List<NeuronId> ranked() {
        Comparator<NeuronId> order = Comparator.<NeuronId>comparingInt(this::votes).reversed()
                .thenComparing(Comparator.comparingDouble(this::summedScore).reversed())
                .thenComparing(Comparator.naturalOrder());
        return votes.keySet().stream().sorted(order).toList();
    }

    /** The z best-ranked neurons (fewer when fewer have a vote). */
    public List<NeuronId> top(int z) {
        List<NeuronId> r = ranked();
        return r.subList(0, Math.min(z, r.size()));
    }

    /** The neurons with at least {@code count} votes, ranked. */
    public List<NeuronId> withAtLeast(double count) {
        return ranked().stream().filter(n -> votes(n) >= count).toList();
    }
}
