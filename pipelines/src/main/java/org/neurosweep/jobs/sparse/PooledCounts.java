package org.neurosweep.jobs.sparse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.neurosweep.methods.sparse.ComponentKey;

/**
 * The category-level counts of one model, dataset and formatting, summed over the units that counted them: per
 * (category, source) pool, every component's count (active tokens of a neuron, or routed tokens of an expert) aligned
 * with {@link #keys()} (component keys in ascending order), and the pool's tokens.
 */
final class PooledCounts {

    /** One row of a category-level count table: the pool, the component and its summed counts. */
    record Entry(String category, String source, int layer, int expert, int neuron, long count, long tokens) {
    }

    private final long[] keys;
    private final Map<CountRows.Pool, int[]> counts = new TreeMap<>();
    private final Map<CountRows.Pool, Long> tokens = new TreeMap<>();

    PooledCounts(List<Entry> entries) {
        TreeSet<Long> all = new TreeSet<>();
        for (Entry e : entries) {
            all.add(ComponentKey.of(e.layer(), e.expert(), e.neuron()));
        }
        keys = all.stream().mapToLong(Long::longValue).toArray();
        Map<Long, Integer> index = new HashMap<>();
        for (int i = 0; i < keys.length; i++) {
            index.put(keys[i], i);
        }
        for (Entry e : entries) {
            CountRows.Pool pool = new CountRows.Pool(e.category(), e.source());
            int[] c = counts.computeIfAbsent(pool, p -> new int[keys.length]);
            c[index.get(ComponentKey.of(e.layer(), e.expert(), e.neuron()))] = Math.toIntExact(e.count());
            Long before = tokens.put(pool, e.tokens());
            if (before != null && before != e.tokens()) {
                throw new IllegalStateException("pool " + pool + " counts " + before + " and " + e.tokens()
                        + " tokens for different components: its units' rows are incomplete");
            }
        }
    }

    long[] keys() {
        return keys;
    }

    /** The categories, in name order. */
    List<String> categories() {
        return counts.keySet().stream().map(CountRows.Pool::category).distinct().toList();
    }

    /** The non-null sources of {@code category}'s pools, in name order. */
    List<String> sources(String category) {
        return counts.keySet().stream().filter(p -> p.category().equals(category)).map(CountRows.Pool::source)
                .filter(Objects::nonNull).toList();
    }

    /** The category's counts, its pools (sources) summed; with {@code source} non-null, that source's pool only. */
    int[] counts(String category, String source) {
        int[] sum = new int[keys.length];
        for (Map.Entry<CountRows.Pool, int[]> e : counts.entrySet()) {
            if (matches(e.getKey(), category, source)) {
                Arrays.setAll(sum, i -> sum[i] + e.getValue()[i]);
            }
        }
        return sum;
    }

    long tokens(String category, String source) {
        return tokens.entrySet().stream().filter(e -> matches(e.getKey(), category, source))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** Components per layer (the denominators of the layer profile). */
    Map<Integer, Integer> unitsPerLayer() {
        Map<Integer, Integer> out = new TreeMap<>();
        for (long k : keys) {
            out.merge(ComponentKey.layer(k), 1, Integer::sum);
        }
        return out;
    }

    /** The keys of {@code members} (indices into {@link #keys()}). */
    List<Long> keysOf(int[] members) {
        List<Long> out = new ArrayList<>(members.length);
        for (int m : members) {
            out.add(keys[m]);
        }
        return out;
    }

    private static boolean matches(CountRows.Pool pool, String category, String source) {
        return pool.category().equals(category) && (source == null || source.equals(pool.source()));
    }
}
