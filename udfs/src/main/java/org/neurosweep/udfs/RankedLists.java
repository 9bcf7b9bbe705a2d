package org.neurosweep.udfs;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Functions of ranks and of ranked lists (top-k token ids, candidate lists). Ranks are 1-based. Elements of lists are
 * compared by value across numeric types (an {@code int} 7 equals a {@code bigint} 7); a null list or element gives
 * a null result.
 */
public final class RankedLists {
    private RankedLists() {
    }

    /** 1 / rank; null for a null or NaN rank or one below 1 (not a rank). */
    public static Double reciprocalRank(Number rank) {
        return isRank(rank) ? 1.0 / rank.doubleValue() : null;
    }

    /** Whether {@code rank} is a rank: not null, not NaN, at least 1. */
    static boolean isRank(Number rank) {
        return rank != null && rank.doubleValue() >= 1;
    }

    /**
     * Exposure of a secret ranked {@code rank} among {@code space} candidates (Carlini et al. 2019): log2 |R| − log2
     * rank, in bits, from 0 (ranked last) to log2 |R| (ranked first). Null for a null argument or a rank outside
     * [1, |R|] (a NaN argument included).
     */
    static Double exposure(Number rank, Number space) {
        if (!isRank(rank) || space == null || !(rank.doubleValue() <= space.doubleValue())) {
            return null;
        }
        return log2(space.doubleValue()) - log2(rank.doubleValue());
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** 1-based position of the first element equal to {@code x}; null when absent (not 0, which would bias averages). */
    static Integer position(List<?> list, Object x) {
        List<Object> xs = keys(list);
        if (xs == null || x == null) {
            return null;
        }
        int i = xs.indexOf(key(x));
        return i < 0 ? null : i + 1;
    }

    /**
     * Overlap of two ranked lists at k: |A_k ∩ B_k| / k' with k' = min(k, |a|, |b|) and A_k the first k' elements of
     * {@code a} as a set (so two equal lists overlap 1 whatever k). Null when k' = 0 (an empty list).
     */
    static Double topkOverlap(List<?> a, List<?> b, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("ns_topk_overlap: k must be >= 1, got " + k);
        }
        List<Object> xs = keys(a);
        List<Object> ys = keys(b);
        if (xs == null || ys == null) {
            return null;
        }
        int kk = Math.min(k, Math.min(xs.size(), ys.size()));
        if (kk == 0) {
            return null;
        }
        Set<Object> common = new HashSet<>(xs.subList(0, kk));
        common.retainAll(new HashSet<>(ys.subList(0, kk)));
        return (double) common.size() / kk;
    }

    /** Jaccard index of the two lists as sets, |A ∩ B| / |A ∪ B|; null when both are empty. */
    static Double jaccard(List<?> a, List<?> b) {
        List<Object> xs = keys(a);
        List<Object> ys = keys(b);
        if (xs == null || ys == null) {
            return null;
        }
        Set<Object> union = new HashSet<>(xs);
        union.addAll(ys);
        if (union.isEmpty()) {
            return null;
        }
        Set<Object> common = new HashSet<>(xs);
        common.retainAll(new HashSet<>(ys));
        return (double) common.size() / union.size();
    }

    /** The list's elements as comparison keys; null when the list or an element is null. */
    private static List<Object> keys(List<?> list) {
        if (list == null || list.contains(null)) {
            return null;
        }
        return list.stream().map(RankedLists::key).toList();
    }

    /** Integral numbers as Long, other numbers as Double, anything else as itself. */
    private static Object key(Object x) {
        if (x instanceof Byte || x instanceof Short || x instanceof Integer || x instanceof Long) {
            return ((Number) x).longValue();
        }
        return x instanceof Number n ? (Object) n.doubleValue() : x;
    }
}
