package org.neurosweep.methods.sparse;

/**
 * Activation and routing counts over a set of tokens (one instruction, or a category's instructions pooled), the raw
 * material of every SPARCOM frequency: {@code p = active / tokens} for a neuron (a routed expert's neuron counts only
 * on tokens routed to it, the denominator is still every token), {@code f = routed / tokens} for an expert.
 * Indexed by a {@link ComponentLayout}. Counts are ints: a pool may hold up to 2^31 − 1 tokens. Not thread-safe.
 */
public final class ComponentCounts {
    private long tokens;
    private final int[] active;
    private final int[] routed;
    private final double[] weightSum;
    private final double[] sharedGateSum;

    /** Zero counts shaped by {@code layout}. */
    public ComponentCounts(ComponentLayout layout) {
        this.active = new int[layout.neurons()];
        this.routed = new int[layout.experts().size()];
        this.weightSum = new double[layout.experts().size()];
        this.sharedGateSum = new double[layout.layers()];
    }

    /** Tokens counted. */
    public long tokens() {
        return tokens;
    }

    /** Per flattened neuron: tokens on which it was active. The live array: do not modify. */
    public int[] active() {
        return active;
    }

    /** Per flattened routed expert: tokens routed to it (it was in their top-k). The live array: do not modify. */
    public int[] routed() {
        return routed;
    }

    /** Per flattened routed expert: the sum of the routing weights applied to its output over those tokens. */
    public double weightSum(int expert) {
        return weightSum[expert];
    }

    /** Per layer: the sum over tokens of the shared expert's sigmoid gate (0 without a shared expert). */
    public double sharedGateSum(int layer) {
        return sharedGateSum[layer];
    }

    /** Adds {@code other}'s counts (same layout) to these. */
    public void add(ComponentCounts other) {
        tokens += other.tokens;
        for (int i = 0; i < active.length; i++) {
            active[i] += other.active[i];
        }
        for (int i = 0; i < routed.length; i++) {
            routed[i] += other.routed[i];
            weightSum[i] += other.weightSum[i];
        }
        for (int i = 0; i < sharedGateSum.length; i++) {
            sharedGateSum[i] += other.sharedGateSum[i];
        }
    }

    void addTokens(long n) {
        tokens += n;
    }

    void addActive(int index, int n) {
        active[index] += n;
    }

    void addRouted(int expert, double weight) {
        routed[expert]++;
        weightSum[expert] += weight;
    }

    void addSharedGate(int layer, double gate) {
        sharedGateSum[layer] += gate;
    }
}
