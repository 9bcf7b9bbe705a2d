package org.neurosweep.methods.lens;

/**
 * How the logit lens divides a partial residual r in the final norm, before γ_f and the unembedding
 * (docs/methods/internal-cot.md §5). For a LayerNorm final norm r is centred first and the divisors are
 * sqrt(var + eps) instead of the RMS.
 */
public enum LensNorm {
    /**
     * The papers' projection: r / s* with s* the divisor the final norm applied to the true final residual at the
     * same position (RMSNorm: sqrt(mean(h_L[t]²) + eps)), the same divisor for every layer and component.
     */
    FINAL_SCALE("final_scale"),
    /** The common logit lens, flagged variant: the final norm applied to r itself (RMSNorm: r / sqrt(mean(r²) + eps)). */
    PER_LAYER("per_layer_norm");

    private final String label;

    LensNorm(String label) {
        this.label = label;
    }

    /** The spelling in tables and configs. */
    public String label() {
        return label;
    }

    /** The norm spelled {@code label}. */
    public static LensNorm parse(String label) {
        for (LensNorm n : values()) {
            if (n.label.equals(label)) {
                return n;
            }
        }
        throw new IllegalArgumentException("unknown lens norm '" + label + "'; known: final_scale, per_layer_norm");
    }
}
