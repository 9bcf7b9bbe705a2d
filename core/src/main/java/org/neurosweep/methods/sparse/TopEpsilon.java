package org.neurosweep.methods.sparse;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The top-ε selection of SPARCOM: of N components with frequencies {@code count / tokens} (one denominator for all,
 * so counts rank them), keep those at or above the frequency of the k-th most frequent, {@code k = ⌈ε·N⌉} (at least
 * 1, ε·N computed in decimal so that 1% of 2300 is 23). Ties at the threshold are all kept, so a set may exceed k;
 * a component that was never active is never kept (the threshold is at least one count), so the set may also be
 * smaller than k, or empty.
 */
public final class TopEpsilon {

    /** The kept components (indices into the counts, ascending) and the count threshold they reach. */
    public record Selection(double eps, int k, int thresholdCount, int[] members) {
        public int size() {
            return members.length;
        }
    }

    private TopEpsilon() {
    }

    /** ⌈ε·N⌉, at least 1; ε must lie in (0, 1]. */
    public static int k(double eps, int n) {
        if (!(eps > 0 && eps <= 1)) {
            throw new IllegalArgumentException("eps must lie in (0, 1], got " + eps);
        }
        int k = BigDecimal.valueOf(eps).multiply(BigDecimal.valueOf(n)).setScale(0, RoundingMode.CEILING).intValueExact();
        return Math.max(1, k);
    }

    /** The top-ε of {@code counts}: a counting pass over the count values (O(N + max count)), no sort. */
    public static Selection select(int[] counts, double eps) {
        int k = k(eps, counts.length);
        int max = 0;
        for (int c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("counts must be >= 0, got " + c);
            }
            max = Math.max(max, c);
        }
        int[] atLeast = new int[max + 2];              // histogram, then suffix sums: components with count >= v
        for (int c : counts) {
            atLeast[c]++;
        }
        for (int v = max - 1; v >= 0; v--) {
            atLeast[v] += atLeast[v + 1];
        }
        int threshold = max;
        while (threshold > 1 && atLeast[threshold] < k) {
            threshold--;
        }
        if (max == 0) {
            return new Selection(eps, k, 0, new int[0]);          // nothing was ever active: keep nothing
        }
        int[] members = new int[atLeast[threshold]];
        int m = 0;
        for (int i = 0; i < counts.length && m < members.length; i++) {
            if (counts[i] >= threshold) {
                members[m++] = i;
            }
        }
        return new Selection(eps, k, threshold, members);
    }
}
