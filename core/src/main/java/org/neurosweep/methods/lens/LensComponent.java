package org.neurosweep.methods.lens;

import org.neurosweep.hook.HookNames;

/**
 * The vector the lens reads at each layer: the block output {@code resid_post} (default), or the attention or
 * FFN/MoE sublayer output on its own (the paper's {@code both} variant).
 */
public enum LensComponent {
    RESID_POST("resid_post"),
    ATTN_OUT("attn_out"),
    MLP_OUT("mlp_out");

    private final String label;

    LensComponent(String label) {
        this.label = label;
    }

    /** The spelling in tables and configs (the hook-point suffix). */
    public String label() {
        return label;
    }

    /** The hook point of this component in {@code layer}. */
    public String hook(int layer) {
        return switch (this) {
            case RESID_POST -> HookNames.residPost(layer);
            case ATTN_OUT -> HookNames.attnOut(layer);
            case MLP_OUT -> HookNames.mlpOut(layer);
        };
    }

    public static LensComponent parse(String label) {
        for (LensComponent c : values()) {
            if (c.label.equals(label)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown lens component '" + label + "'; known: resid_post, attn_out, mlp_out");
    }
}
