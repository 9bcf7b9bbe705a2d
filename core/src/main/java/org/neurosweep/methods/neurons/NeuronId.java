package org.neurosweep.methods.neurons;

import java.util.Comparator;
import org.neurosweep.hook.HookNames;
import org.neurosweep.model.ModelConfig;

/**
 * One FFN neuron (docs/methods/neuron-attribution.md): coordinate {@code index} of the intermediate activation (the input of the
 * down projection) of decoder block {@code layer} (0-based, hook {@code blocks.layer.*}). {@code expert} is −1 for a
 * dense FFN, the routed expert's id for an MoE layer, and the number of routed experts for the shared expert, which
 * counts as an expert of its own.
 */
public record NeuronId(int layer, int expert, int index) implements Comparable<NeuronId> {

    public static final int DENSE = -1;

    private static final Comparator<NeuronId> ORDER = Comparator.comparingInt(NeuronId::layer)
            .thenComparingInt(NeuronId::expert).thenComparingInt(NeuronId::index);

    /** The hook point whose last axis holds this neuron in {@code config}'s model. */
    public String hook(ModelConfig config) {
        return hook(config, layer, expert);
    }

    /** The hook point of the neurons of (layer, expert): mlp.post, the expert's post or the shared expert's. */
    public static String hook(ModelConfig config, int layer, int expert) {
        if (expert == DENSE) {
            return HookNames.mlpPost(layer);
        }
        return expert == sharedExpert(config) ? HookNames.sharedPost(layer) : HookNames.expertPost(layer, expert);
    }

    /** The expert id of the shared expert: the number of routed experts (−2 for a model without MoE). */
    public static int sharedExpert(ModelConfig config) {
        return config.isMoe() ? config.moe().numExperts() : -2;
    }

    @Override
    public int compareTo(NeuronId o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return "L" + layer + (expert == DENSE ? "" : "E" + expert) + "." + index;
    }
}
