package org.neurosweep.hook;

import java.util.HashSet;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Routing interventions on one MoE layer (the expert-blocking and routing experiments of MoE attribution studies: drop
 * experts, force the routing set, cap top-k). Applied by the MoE block in this order: rerouted experts get router logit
 * −∞ before the softmax; forced routing replaces the top-k selection; only the first {@code topKCap} selected slots
 * keep their weight; dropped experts get weight 0; no weight is renormalised after an intervention.
 */
public final class MoeEdits {
    private final Set<Integer> dropped = new HashSet<>();
    private final Set<Integer> rerouted = new HashSet<>();
    private int topKCap;
    private INDArray forcedIds;
    private INDArray forcedWeights;
    private boolean sharedRemoved;

    MoeEdits() {
    }

    /** Experts whose contribution is dropped (weight 0, no renormalisation). */
    public Set<Integer> dropped() {
        return Set.copyOf(dropped);
    }

    public boolean isDropped(int expert) {
        return dropped.contains(expert);
    }

    /** Experts removed from the router's choice (logit −∞), so their tokens go to the next best experts. */
    public Set<Integer> rerouted() {
        return Set.copyOf(rerouted);
    }

    /** Selected slots kept, largest weight first; 0 = all. */
    public int topKCap() {
        return topKCap;
    }

    /** Forced expert ids (b, t, k) integer, or null. */
    public INDArray forcedIds() {
        return forcedIds;
    }

    /** Forced routing weights (b, t, k), or null. */
    public INDArray forcedWeights() {
        return forcedWeights;
    }

    public boolean sharedRemoved() {
        return sharedRemoved;
    }

    void drop(int... experts) {
        for (int e : experts) {
            dropped.add(e);
        }
    }

    void reroute(int... experts) {
        for (int e : experts) {
            rerouted.add(e);
        }
    }

    void capTopK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k cap must be at least 1, got " + k);
        }
        topKCap = k;
    }

    void force(INDArray ids, INDArray weights) {
        if (ids.rank() != 3 || !java.util.Arrays.equals(ids.shape(), weights.shape())) {
            throw new IllegalArgumentException("forced routing needs ids and weights of one shape (b, t, k), got "
                    + java.util.Arrays.toString(ids.shape()) + " and " + java.util.Arrays.toString(weights.shape()));
        }
        forcedIds = ids;
        forcedWeights = weights;
    }

    void removeShared() {
        sharedRemoved = true;
    }
}
