package org.neurosweep.methods.fed;

import java.util.Arrays;

/**
 * The aggregation weights π of the clients of one round, a probability vector.
 * <ul>
 *   <li>FedAvg: {@code π_k = |D_k| / Σ|D|}.</li>
 *   <li>FewFedWeight (adaptive): {@code π_k = softmax_k((a_k − a_k^g) / T_a)}, the gain of the client's local model
 *       over the global model it received on its own dev set, then mixed with the data sizes:
 *       {@code π_k ← (1 − ν) π_k + ν |D_k| / Σ|D|}. With ν = 0 a client whose local model scores below the global one
 *       while another's gains gets less than the uniform share.</li>
 * </ul>
 */
public final class ClientWeights {

    private ClientWeights() {
    }

    /** FedAvg's weights: the clients' shares of the few-shot training data. */
    public static double[] fedAvg(double[] sizes) {
        double total = Arrays.stream(sizes).sum();
        if (sizes.length == 0 || !(total > 0) || Arrays.stream(sizes).anyMatch(s -> s < 0)) {
            throw new IllegalArgumentException("FedAvg needs non-negative client sizes with a positive sum, got "
                    + Arrays.toString(sizes));
        }
        return Arrays.stream(sizes).map(s -> s / total).toArray();
    }

    /**
     * FewFedWeight's adaptive weights.
     *
     * @param local  a_k: the client's local model's dev score
     * @param global a_k^g: the received global model's dev score on the same dev set
     * @param sizes  |D_k|
     * @param tA     T_a, the softmax temperature (> 0)
     * @param nu     ν in [0, 1], the share of the data-size weights
     */
    public static double[] adaptive(double[] local, double[] global, double[] sizes, double tA, double nu) {
        int k = local.length;
        if (global.length != k || sizes.length != k) {
            throw new IllegalArgumentException("one local score, global score and size per client");
        }
        if (!(tA > 0) || !(nu >= 0 && nu <= 1)) {
            throw new IllegalArgumentException("need T_a > 0 and ν in [0, 1], got T_a = " + tA + ", ν = " + nu);
        }
        double[] gain = new double[k];
        for (int i = 0; i < k; i++) {
            gain[i] = (local[i] - global[i]) / tA;
        }
        double max = Arrays.stream(gain).max().orElseThrow();
        double[] e = Arrays.stream(gain).map(g -> Math.exp(g - max)).toArray();
        double z = Arrays.stream(e).sum();
        double[] bySize = fedAvg(sizes);
        double[] pi = new double[k];
        for (int i = 0; i < k; i++) {
            pi[i] = (1 - nu) * e[i] / z + nu * bySize[i];
        }
        return pi;
    }

    /** Shannon entropy of π in nats (log K for uniform weights). */
    public static double entropy(double[] pi) {
        return -Arrays.stream(pi).filter(p -> p > 0).map(p -> p * Math.log(p)).sum();
    }
}
