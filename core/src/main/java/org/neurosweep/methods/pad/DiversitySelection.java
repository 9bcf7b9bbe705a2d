package org.neurosweep.methods.pad;

import java.util.ArrayList;
import java.util.List;

/**
 * PAD's choice of n diverse responses among the samples of a prompt: greedy max–min over Levenshtein distances,
 * starting from sample 0, each step adding the remaining sample whose smallest distance to the chosen ones is largest
 * (ties: the lowest index). A prompt whose chosen texts are not pairwise distinct is dropped.
 */
public final class DiversitySelection {

    /**
     * @param selected         indices of the chosen samples, in the order chosen (starts with 0)
     * @param minDistance      per sample: its smallest distance to the samples chosen before it (−1 for sample 0,
     *                         for the rest the distance at the moment it was chosen, or for an unchosen one at the end)
     * @param distinct         whether the chosen texts are pairwise different (else the prompt is dropped)
     */
    public record Result(int[] selected, int[] minDistance, boolean distinct) {
    }

    private DiversitySelection() {
    }

    public static Result select(List<String> samples, int n) {
        int m = samples.size();
        if (n < 1 || n > m) {
            throw new IllegalArgumentException("diversity selection: cannot choose " + n + " of " + m + " samples");
        }
        int[][] d = new int[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = i + 1; j < m; j++) {
                d[i][j] = d[j][i] = levenshtein(samples.get(i), samples.get(j));
            }
        }
        boolean[] chosen = new boolean[m];
        int[] minDistance = new int[m];
        java.util.Arrays.fill(minDistance, Integer.MAX_VALUE);
        List<Integer> order = new ArrayList<>();
        int next = 0;
        minDistance[0] = -1;
        while (true) {
            chosen[next] = true;
            order.add(next);
            if (order.size() == n) {
                break;
            }
            for (int i = 0; i < m; i++) {
                if (!chosen[i]) {
                    minDistance[i] = Math.min(minDistance[i], d[next][i]);
                }
            }
            int best = -1;
            for (int i = 0; i < m; i++) {
                if (!chosen[i] && (best < 0 || minDistance[i] > minDistance[best])) {
                    best = i;
                }
            }
            next = best;
        }
        for (int i = 0; i < m; i++) {          // unchosen samples: their distance to the final selection
            if (!chosen[i]) {
                for (int j : order) {
                    minDistance[i] = Math.min(minDistance[i], d[i][j]);
                }
            }
        }
        boolean distinct = true;
        for (int a = 0; a < order.size(); a++) {
            for (int b = a + 1; b < order.size(); b++) {
                distinct &= !samples.get(order.get(a)).equals(samples.get(order.get(b)));
            }
        }
        return new Result(order.stream().mapToInt(Integer::intValue).toArray(), minDistance, distinct);
    }

    /** Edit distance (insertions, deletions, substitutions of UTF-16 chars), two rows of the DP table. */
    public static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
