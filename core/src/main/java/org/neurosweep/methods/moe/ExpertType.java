package org.neurosweep.methods.moe;

/** What kind of FFN a neuron or an expert score belongs to. */
public enum ExpertType {
    /** A dense FFN (dense models, and the dense layers of Qwen2-MoE). */
    DENSE("dense"),
    /** A routed expert, weighted by its applied routing weight g. */
    ROUTED("routed"),
    /** Qwen2-MoE's shared expert, weighted by its sigmoid gate σ(w_s · x̃). */
    SHARED("shared");

    private final String label;

    ExpertType(String label) {
        this.label = label;
    }

    /** The spelling in tables. */
    public String label() {
        return label;
    }
}
