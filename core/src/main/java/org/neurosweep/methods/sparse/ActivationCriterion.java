package org.neurosweep.methods.sparse;

import java.util.Arrays;
import java.util.Locale;
import org.neurosweep.hook.HookNames;

/**
 * When an FFN neuron counts as active on a token (SPARCOM, docs/methods/sparcom.md, Stage 1). The hook each criterion reads
 * is the one whose sign decides it, so counting is {@code step(activation)} at that hook.
 */
public enum ActivationCriterion {
    /** The gate pre-activation {@code G_k·x̃ > 0}; for SiLU the same as {@code act(G_k·x̃) > 0}. The default. */
    GATE,
    /** The neuron's activation, the input of down_proj, {@code act(G_k·x̃)·(U_k·x̃) > 0}. */
    PRODUCT;

    /** The parameter spelling: {@code gate} or {@code product}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ActivationCriterion parse(String key) {
        for (ActivationCriterion c : values()) {
            if (c.key().equals(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("activation criterion must be one of "
                + Arrays.stream(values()).map(ActivationCriterion::key).toList() + ", got '" + key + "'");
    }

    /** The hook of the neurons of {@code block}: a dense MLP, a routed expert or the shared expert. */
    String hook(ComponentLayout.Block block) {
        HookNames.Layer n = HookNames.layer(block.layer());
        return switch (block.expert()) {
            case ComponentLayout.DENSE -> this == GATE ? n.mlpPre : n.mlpPost;
            case ComponentLayout.SHARED -> this == GATE ? n.sharedPre : n.sharedPost;
            default -> this == GATE ? n.expertPre(block.expert()) : n.expertPost(block.expert());
        };
    }
}
