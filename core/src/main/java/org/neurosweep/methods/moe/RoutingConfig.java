package org.neurosweep.methods.moe;

import java.util.stream.IntStream;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.ModelConfig;

/**
 * The shared-vs-routed configurations of docs/methods/moe-attribution.md step 8, applied in every MoE layer: keep only the top
 * 1 or 2 routed experts (by routing weight, no renormalisation) with or without the shared expert, the shared expert
 * alone, or everything (the default). Removed parts contribute 0; attention is untouched.
 */
public enum RoutingConfig {
    TOP1("top1", 1, false),
    TOP2("top2", 2, false),
    SHARED("shared", 0, true),
    SHARED_TOP1("shared-top1", 1, true),
    SHARED_TOP2("shared-top2", 2, true),
    DEFAULT("default", -1, true);

    private final String label;
    /** Routed slots kept: 0 = none, −1 = all. */
    private final int routed;
    private final boolean shared;

    RoutingConfig(String label, int routed, boolean shared) {
        this.label = label;
        this.routed = routed;
        this.shared = shared;
    }

    public String label() {
        return label;
    }

    /** Whether the configuration keeps a shared expert beside capped or dropped routed ones: only for models with one. */
    public boolean needsSharedExpert() {
        return shared && this != DEFAULT;
    }

    public static RoutingConfig parse(String label) {
        for (RoutingConfig c : values()) {
            if (c.label.equals(label)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown routing configuration '" + label
                + "'; known: top1, top2, shared, shared-top1, shared-top2, default");
    }

    /** Adds this configuration's interventions for every MoE layer of {@code config} to {@code hooks}. */
    public Hooks apply(Hooks hooks, ModelConfig config) {
        if (!config.isMoe()) {
            throw new IllegalArgumentException("routing configuration " + label + " needs an MoE model, got "
                    + config.modelType());
        }
        int experts = config.moe().numExperts();
        for (int l = 0; l < config.numLayers(); l++) {
            if (!config.moe().isSparse(l)) {
                continue;
            }
            if (routed == 0) {
                hooks.dropExperts(l, IntStream.range(0, experts).toArray());
            } else if (routed > 0) {
                hooks.capTopK(l, routed);
            }
            if (!shared && config.moe().hasSharedExpert()) {
                hooks.removeSharedExpert(l);
            }
        }
        return hooks;
    }
}
