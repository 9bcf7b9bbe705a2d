package org.neurosweep.methods.probe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Probe accuracy per language, relation and {@code seen_in_pretraining} (null when the dataset does not say): the
 * figures of the world models' {@code eval-*.json} ({@code LANG.PID.seen}/{@code unseen}) and of LRP2's per-language
 * accuracy. Counts are kept so that tallies of several shards add up. Not thread-safe.
 */
public final class ProbeTally {

    /** One cell: facts probed, facts answered, and the sum of reciprocal ranks (ranking mode; 0 otherwise). */
    public record Cell(String language, String relation, Boolean seen, long facts, long correct,
                       double reciprocalRankSum) {

        public double accuracy() {
            return (double) correct / facts;
        }

        /** Mean reciprocal rank (ranking mode). */
        public double meanReciprocalRank() {
            return reciprocalRankSum / facts;
        }
    }

    private record Key(String language, String relation, Boolean seen) {
    }

    private static final Comparator<Key> ORDER = Comparator.comparing(Key::language).thenComparing(Key::relation)
            .thenComparing(k -> k.seen() == null ? 0 : k.seen() ? 1 : 2);

    private final Map<Key, long[]> counts = new TreeMap<>(ORDER);
    private final Map<Key, Double> rrSums = new TreeMap<>(ORDER);

    public ProbeTally add(FactResult r) {
        Key key = new Key(r.fact().language(), r.fact().predicateId(), r.fact().seenInPretraining());
        long[] c = counts.computeIfAbsent(key, k -> new long[2]);
        c[0]++;
        c[1] += r.correct() ? 1 : 0;
        rrSums.merge(key, Objects.requireNonNullElse(r.reciprocalRank(), 0.0), Double::sum);
        return this;
    }

    public ProbeTally addAll(List<FactResult> results) {
        results.forEach(this::add);
        return this;
    }

    /** Cells ordered by language, relation, then seen = null, true, false. */
    public List<Cell> cells() {
        List<Cell> out = new ArrayList<>();
        counts.forEach((k, c) -> out.add(new Cell(k.language(), k.relation(), k.seen(), c[0], c[1], rrSums.get(k))));
        return out;
    }

    /** The cell of one (language, relation, seen), or null when no fact fell into it. */
    public Cell cell(String language, String relation, Boolean seen) {
        Key key = new Key(language, relation, seen);
        long[] c = counts.get(key);
        return c == null ? null : new Cell(language, relation, seen, c[0], c[1], rrSums.get(key));
    }
}
