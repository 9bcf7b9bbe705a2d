package org.neurosweep.methods.sparse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The generality and uniqueness of per-category component sets S_c (SPARCOM Stage 2; the definitions are the spec's
 * reconstruction): membership m(x) = |{c : x ∈ S_c}|, general components m(x) = C (every category), unique ones of c
 * m(x) = 1 with x ∈ S_c, and overlaps of two sets. Categories are kept in name order; a component's categories are a
 * bitmask in that order (bit i = the i-th category), so at most 63 categories.
 */
public final class CategorySets {

    /** |A|, |B|, |A ∩ B|, Jaccard |A ∩ B| / |A ∪ B| (NaN when both are empty) and |A ∩ B| / |A| (NaN for empty A). */
    public record Overlap(int sizeA, int sizeB, int intersection, double jaccard, double fractionOfA) {
        /** |B \ A|: components B has and A lacks (added, for A = base and B = tuned). */
        public int onlyInB() {
            return sizeB - intersection;
        }

        /** |A \ B| (removed). */
        public int onlyInA() {
            return sizeA - intersection;
        }
    }

    private final List<String> categories;
    private final Map<String, Set<Long>> sets;
    private final Map<Long, Long> masks = new HashMap<>();

    /** {@code sets}: S_c by category. */
    public CategorySets(Map<String, Set<Long>> sets) {
        if (sets.size() > 63) {
            throw new IllegalArgumentException("at most 63 categories, got " + sets.size());
        }
        this.sets = new TreeMap<>(sets);
        this.categories = List.copyOf(this.sets.keySet());
        for (int i = 0; i < categories.size(); i++) {
            for (long x : this.sets.get(categories.get(i))) {
                masks.merge(x, 1L << i, (a, b) -> a | b);
            }
        }
    }

    public static Overlap overlap(Set<Long> a, Set<Long> b) {
        Set<Long> smaller = a.size() <= b.size() ? a : b;
        Set<Long> larger = smaller == a ? b : a;
        int inter = 0;
        for (long x : smaller) {
            if (larger.contains(x)) {
                inter++;
            }
        }
        int union = a.size() + b.size() - inter;
        return new Overlap(a.size(), b.size(), inter, union == 0 ? Double.NaN : (double) inter / union,
                a.isEmpty() ? Double.NaN : (double) inter / a.size());
    }

    /** The categories, in name order. */
    public List<String> categories() {
        return categories;
    }

    public Set<Long> set(String category) {
        Set<Long> s = sets.get(category);
        if (s == null) {
            throw new IllegalArgumentException("no category '" + category + "'; have " + categories);
        }
        return s;
    }

    /** ∪_c S_c. */
    public Set<Long> union() {
        return masks.keySet();
    }

    /** Bit i set when the component is in the i-th category's set; 0 when in none. */
    public long categoryMask(long x) {
        return masks.getOrDefault(x, 0L);
    }

    /** m(x): in how many categories' sets the component is. */
    public int membership(long x) {
        return Long.bitCount(categoryMask(x));
    }

    /** [k − 1] = components in exactly k of the sets, k = 1..C. */
    public int[] membershipHistogram() {
        int[] h = new int[categories.size()];
        for (long mask : masks.values()) {
            h[Long.bitCount(mask) - 1]++;
        }
        return h;
    }

    /** Components in at least {@code k} sets; k = C gives the general components G. */
    public Set<Long> inAtLeast(int k) {
        Set<Long> out = new HashSet<>();
        masks.forEach((x, mask) -> {
            if (Long.bitCount(mask) >= k) {
                out.add(x);
            }
        });
        return out;
    }

    /** U_c: the components of S_c in no other category's set. */
    public Set<Long> unique(String category) {
        Set<Long> out = new HashSet<>();
        for (long x : set(category)) {
            if (membership(x) == 1) {
                out.add(x);
            }
        }
        return out;
    }

    /** The names of the categories whose sets hold {@code x}, in name order. */
    public List<String> categoriesOf(long x) {
        long mask = categoryMask(x);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < categories.size(); i++) {
            if ((mask & (1L << i)) != 0) {
                out.add(categories.get(i));
            }
        }
        return out;
    }
}
