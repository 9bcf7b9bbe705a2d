package org.neurosweep.methods.sparse;

import java.util.ArrayList;
import java.util.List;
import org.neurosweep.model.ModelConfig;

/**
 * The FFN neurons and routed experts of a model, flattened: every layer's neuron blocks (a dense MLP; or its routed
 * experts in id order, then the shared expert) laid end to end, so that a neuron is one index into an {@code int[]}
 * of counts; and the routed experts of the sparse layers, layer-major, likewise. Component ids in tables are
 * (layer, expert id, neuron) with expert id {@link #DENSE} or {@link #SHARED} where there is no routed expert.
 */
public final class ComponentLayout {

    /** The expert id of a dense FFN neuron. */
    public static final int DENSE = -1;
    /** The expert id of a shared-expert neuron (Qwen2-MoE): an always-routed expert of its own. */
    public static final int SHARED = -2;

    /** {@code width} neurons of one FFN at {@code offset} of the flattened neurons. */
    public record Block(int layer, int expert, int width, int offset) {
    }

    /** A routed expert of a sparse layer at {@code index} of the flattened experts. */
    public record Expert(int layer, int expert, int index) {
    }

    private final int layers;
    private final List<Block> blocks;
    private final List<Expert> experts;
    private final int neurons;
    private final int[] neuronsPerLayer;
    private final int[] expertsPerLayer;

    private ComponentLayout(int layers, List<Block> blocks, List<Expert> experts) {
        this.layers = layers;
        this.blocks = List.copyOf(blocks);
        this.experts = List.copyOf(experts);
        this.neuronsPerLayer = new int[layers];
        this.expertsPerLayer = new int[layers];
        int total = 0;
        for (Block b : blocks) {
            neuronsPerLayer[b.layer()] += b.width();
            total += b.width();
        }
        for (Expert e : experts) {
            expertsPerLayer[e.layer()]++;
        }
        this.neurons = total;
    }

    /** The layout of {@code config}'s FFN layers (dense, or sparse per the MoE settings). */
    public static ComponentLayout of(ModelConfig config) {
        List<Block> blocks = new ArrayList<>();
        List<Expert> experts = new ArrayList<>();
        int offset = 0;
        for (int l = 0; l < config.numLayers(); l++) {
            if (config.isMoe() && config.moe().isSparse(l)) {
                for (int e = 0; e < config.moe().numExperts(); e++) {
                    blocks.add(new Block(l, e, config.moe().expertIntermediateSize(), offset));
                    offset += config.moe().expertIntermediateSize();
                    experts.add(new Expert(l, e, experts.size()));
                }
                if (config.moe().hasSharedExpert()) {
                    blocks.add(new Block(l, SHARED, config.moe().sharedExpertIntermediateSize(), offset));
                    offset += config.moe().sharedExpertIntermediateSize();
                }
            } else {
                blocks.add(new Block(l, DENSE, config.intermediateSize(), offset));
                offset += config.intermediateSize();
            }
        }
        return new ComponentLayout(config.numLayers(), blocks, experts);
    }

    public int layers() {
        return layers;
    }

    public List<Block> blocks() {
        return blocks;
    }

    /** The routed experts, layer-major; empty for a dense model. */
    public List<Expert> experts() {
        return experts;
    }

    /** All FFN neurons (dense, routed experts', shared experts'). */
    public int neurons() {
        return neurons;
    }

    /** FFN neurons of layer {@code l}: the denominator of a layer's share of the components. */
    public int neuronsIn(int l) {
        return neuronsPerLayer[l];
    }

    /** Routed experts of layer {@code l} (0 for a dense layer). */
    public int expertsIn(int l) {
        return expertsPerLayer[l];
    }

    /** The block holding flattened neuron {@code index}. */
    public Block blockOf(int index) {
        int lo = 0;
        int hi = blocks.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (blocks.get(mid).offset() <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return blocks.get(lo);
    }

    /** The flattened index of routed expert {@code expert} of layer {@code layer}, or -1 when there is none. */
    public int expertIndex(int layer, int expert) {
        for (Expert e : experts) {
            if (e.layer() == layer && e.expert() == expert) {
                return e.index();
            }
        }
        return -1;
    }
}
