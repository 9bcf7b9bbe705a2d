package org.neurosweep.methods.pad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;

/**
 * The Plackett–Luce distribution over all n! rankings of n items with scores u (best first):
 * <pre>
 *   log P(π | u) = Σ_{k=1..n} [ u_{π(k)} − LSE(u_{π(k)}, …, u_{π(n)}) ]
 * </pre>
 * computed for a batch of score rows (b, n) → (b, n!) with two GEMMs against a constant suffix-membership table
 * S[(p, k), j] = 1 when item j is among π_p(k..n): Z = exp(u − max) · Sᵀ gives every suffix's sum at once, and since a
 * full ranking covers every item, Σ_k u_{π(k)} = Σ_j u_j. Backward: ∂ log P_p / ∂u_j = 1 − Σ_k S[(p,k), j] e^{u_j}/Z_{p,k},
 * i.e. Σ_p g_p − e^u ⊙ ((g / Z) · S). Rankings are listed in lexicographic order; n ≤ 7 (5040 rankings).
 */
public final class PlackettLuce {

    private static final int MAX_ITEMS = 7;

    private final int n;
    private final int[][] rankings;
    /** (n!·n, n): row p·n + k marks the items of ranking p's suffix from position k. */
    private final double[][] suffixes;

    public PlackettLuce(int n) {
        if (n < 2 || n > MAX_ITEMS) {
            throw new IllegalArgumentException("Plackett–Luce over n = " + n + " items: need 2 ≤ n ≤ " + MAX_ITEMS);
        }
        this.n = n;
        List<int[]> all = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, all);
        this.rankings = all.toArray(int[][]::new);
        this.suffixes = new double[rankings.length * n][n];
        for (int p = 0; p < rankings.length; p++) {
            for (int k = 0; k < n; k++) {
                for (int q = k; q < n; q++) {
                    suffixes[p * n + k][rankings[p][q]] = 1;
                }
            }
        }
    }

    public int items() {
        return n;
    }

    /** The rankings, best first, in the column order of {@link #logProbs}. */
    public int[] ranking(int index) {
        return rankings[index].clone();
    }

    public int size() {
        return rankings.length;
    }

    /** The column of {@code ranking} in {@link #logProbs}' output. */
    public int indexOf(int[] ranking) {
        for (int p = 0; p < rankings.length; p++) {
            if (Arrays.equals(rankings[p], ranking)) {
                return p;
            }
        }
        throw new IllegalArgumentException(Arrays.toString(ranking) + " is not a ranking of " + n + " items");
    }

    /** log P(π | u) for every ranking π: scores (b, n) → (b, n!), differentiable in the scores. */
    public Var logProbs(Var scores) {
        if (scores.rank() != 2 || scores.size(1) != n) {
            throw new IllegalArgumentException("Plackett–Luce: scores " + Arrays.toString(scores.shape())
                    + " must be (b, " + n + ")");
        }
        INDArray u = scores.value();
        INDArray s = Nd4j.createFromArray(suffixes).castTo(u.dataType());                  // (n!·n, n)
        INDArray max = u.max(true, 1);                                                     // (b, 1)
        INDArray e = Transforms.exp(u.subColumnVector(max), false);                        // (b, n)
        INDArray z = e.mmul(s.transpose());                                                // (b, n!·n)
        long b = u.size(0);
        INDArray lseSum = Transforms.log(z, true).reshape(b, rankings.length, n).sum(2)
                .addiColumnVector(max.mul(n));                                             // Σ_k LSE_k (b, n!)
        INDArray out = lseSum.rsubiColumnVector(u.sum(true, 1));
        return Tape.op(out, g -> {
            INDArray w = g.reshape(b, rankings.length, 1).broadcast(b, rankings.length, n).reshape(b, (long) rankings.length * n)
                    .div(z);                                                               // g_p / Z_{p,k}
            INDArray grad = w.mmul(s).muli(e).rsubiColumnVector(g.sum(true, 1));
            scores.addGrad(grad);
        }, scores);
    }

    /** P(item a is ranked before item b | u) from the full table of one score row: the sum over such rankings. */
    public double precedes(double[] u, int a, int b) {
        double[] logP = logProbs(Var.constant(Nd4j.createFromArray(new double[][] {u}))).value().toDoubleVector();
        double sum = 0;
        for (int p = 0; p < rankings.length; p++) {
            if (position(rankings[p], a) < position(rankings[p], b)) {
                sum += Math.exp(logP[p]);
            }
        }
        return sum;
    }

    /** The ranking by descending score, ties in index order. */
    public static int[] rankingOf(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(scores[y], scores[x]));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    private static int position(int[] ranking, int item) {
        for (int k = 0; k < ranking.length; k++) {
            if (ranking[k] == item) {
                return k;
            }
        }
        throw new IllegalArgumentException("item " + item + " not ranked");
    }

    private static void permute(int[] prefix, boolean[] used, int depth, List<int[]> out) {
        if (depth == prefix.length) {
            out.add(prefix.clone());
            return;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (!used[i]) {
                used[i] = true;
                prefix[depth] = i;
                permute(prefix, used, depth + 1, out);
                used[i] = false;
            }
        }
    }
}
