package org.neurosweep.methods.neurons;

import java.util.List;

/**
 * The integrated gradients of one layer's neurons at one position for one target token. The layer's activation
 * vector is the concatenation of its groups: one group for a dense FFN, one per expert routed at the position (and
 * the shared expert) for an MoE layer; every group was scaled by the same α (joint layer scaling).
 *
 * @param layer  block index, 0-based
 * @param groups the neuron groups, in expert order
 * @param pFull  p(target) with the activation as is
 * @param pZero  p(target) with the whole layer activation at the position set to zero
 */
public record LayerAttribution(int layer, List<Group> groups, double pFull, double pZero) {

    /**
     * @param expert      {@link NeuronId#DENSE}, a routed expert's id or the shared expert's
     * @param activation  ā, the neurons' activation at the position
     * @param attribution Att(ā_k) per neuron
     */
    public record Group(int expert, float[] activation, float[] attribution) {
    }

    /** Σ_k Att_k over the layer's groups; completeness says it approaches pFull − pZero as m grows. */
    public double sum() {
        double s = 0;
        for (Group g : groups) {
            for (float v : g.attribution()) {
                s += v;
            }
        }
        return s;
    }

    /** The largest attribution of the layer, −∞ when it has no neuron. */
    public double max() {
        double m = Double.NEGATIVE_INFINITY;
        for (Group g : groups) {
            for (float v : g.attribution()) {
                m = Math.max(m, v);
            }
        }
        return m;
    }

    /** sum() − (pFull − pZero): the Riemann error of the path integral. */
    public double completenessGap() {
        return sum() - (pFull - pZero);
    }
}
