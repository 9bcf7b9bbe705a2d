package org.neurosweep.methods.neurons;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.hook.Captures;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.attribution.IntegratedGradients;
import org.neurosweep.methods.attribution.RiemannGrid;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.model.ModelConfig;

/**
 * Knowledge-neuron attribution (Dai et al. 2022; docs/methods/neuron-attribution.md, docs/methods/privacy-neurons.md): for a prompt whose
 * answer position (a causal LM's last position, a masked LM's mask) predicts a target token, per layer l the
 * integrated gradient of p(target) with respect to that layer's FFN activation ā^l at the answer position,
 * <pre>  Att(ā^l_k) = ā^l_k · (1/m) Σ_q ∂p(target | a^l_pos := α_q·ā^l) / ∂a^l_k</pre>
 * with the whole layer vector scaled jointly, a zero baseline and α_q on a {@link RiemannGrid} (left by default:
 * q/m). Other positions and layers run unchanged. For an MoE layer the vector is the concatenation of the experts
 * routed at the position (and the shared expert): routing reads the block input, which the scaling does not change,
 * so it stays fixed, and a non-routed expert's neurons have no activation and no attribution.
 *
 * <p>Cost: one plain forward captures every layer's activation and p(target); then per layer one forward and one
 * backward over a batch of m + 1 copies of the prompt (the m path points and α = 0, whose probability is
 * p_zero for the completeness check and whose gradient is not used).
 */
public final class NeuronAttribution {

    /**
     * @param target the attributed token
     * @param pFull  p(target) at the answer position of the unchanged prompt
     * @param layers per attributed layer, in the order asked
     */
    public record PromptAttribution(int target, double pFull, List<LayerAttribution> layers) {

        /** The largest attribution over all layers (the per-prompt threshold's reference). */
        public double max() {
            return layers.stream().mapToDouble(LayerAttribution::max).max().orElse(Double.NEGATIVE_INFINITY);
        }
    }

    private final CausalLM model;
    private final ModelConfig config;
    private final IntegratedGradients ig;
    private final Supplier<Hooks> background;

    public NeuronAttribution(CausalLM model) {
        this(model, Hooks::none);
    }

    /**
     * Attribution with {@code background} interventions active in every forward, the plain one included: e.g. LRP2's
     * projection (docs/methods/neuron-attribution.md, the overlap under LRP2). They must leave the neuron hooks alone.
     */
    public NeuronAttribution(CausalLM model, Supplier<Hooks> background) {
        this.model = model;
        this.config = model.config();
        this.background = background;
        this.ig = new IntegratedGradients(model, background);
    }

    /** The 0-based layers of {@code chosen}, or every layer of the model when it is empty. */
    public int[] layers(List<Integer> chosen) {
        return chosen.isEmpty() ? IntStream.range(0, config.numLayers()).toArray()
                : chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * @param prompt token ids; the last position is attributed and predicts {@code target}
     * @param target the token whose softmax probability is attributed
     * @param layers the layers attributed (0-based block indices)
     * @param steps  m ≥ 1
     * @param grid   where the m points lie
     */
    public PromptAttribution attribute(int[] prompt, int target, int[] layers, int steps, RiemannGrid grid) {
        return attribute(prompt, prompt.length - 1, target, layers, steps, grid);
    }

    /**
     * The same with the answer at {@code answer}: the position whose FFN neurons are scaled and whose logits give
     * p(target) — a causal LM's last prompt position, a masked LM's mask position (DEPN's and Dai et al.'s setting).
     */
    public PromptAttribution attribute(int[] prompt, int answer, int target, int[] layers, int steps, RiemannGrid grid) {
        if (steps < 1) {
            throw new IllegalArgumentException("neuron attribution: steps must be ≥ 1, got " + steps);
        }
        if (prompt.length == 0) {
            throw new IllegalArgumentException("neuron attribution needs a non-empty prompt");
        }
        for (int l : layers) {
            if (l < 0 || l >= config.numLayers()) {
                throw new IllegalArgumentException("layer " + l + " is outside the model's 0.." + (config.numLayers() - 1));
            }
        }
        if (answer < 0 || answer >= prompt.length) {
            throw new IllegalArgumentException("neuron attribution: answer position " + answer + " outside the prompt's 0.."
                    + (prompt.length - 1));
        }
        int pos = answer;
        Captures plain;
        double pFull;
        try (Forward f = model.forward(Batch.of(prompt).logitsAt(LogitsAt.positions(pos)), captures(layers, pos), null)) {
            plain = f.captures();
            INDArray logits = f.logits().value().reshape(f.logits().size(2)).castTo(DataType.DOUBLE);
            pFull = Transforms.softmax(logits.reshape(1, logits.length()), false).getDouble(0, target);
        }
        List<LayerAttribution> out = new ArrayList<>(layers.length);
        for (int l : layers) {
            out.add(layer(prompt, target, l, pos, steps, grid, plain, pFull));
        }
        return new PromptAttribution(target, pFull, out);
    }

    // every layer's neuron hooks at pos, and the routing of MoE layers
    private Hooks captures(int[] layers, int pos) {
        Hooks h = background.get();
        int[] at = {pos};
        for (int l : layers) {
            if (!sparse(l)) {
                h.captureAt(at, HookNames.mlpPost(l));
                continue;
            }
            h.capture(HookNames.routing(l));
            for (int e = 0; e < config.moe().numExperts(); e++) {
                h.captureAt(at, HookNames.expertPost(l, e));
            }
            if (config.moe().hasSharedExpert()) {
                h.captureAt(at, HookNames.sharedPost(l));
            }
        }
        return h;
    }

    private LayerAttribution layer(int[] prompt, int target, int l, int pos, int steps, RiemannGrid grid,
                                   Captures plain, double pFull) {
        List<Integer> experts = experts(l, pos, plain);
        List<String> hooks = new ArrayList<>();
        List<INDArray> activations = new ArrayList<>();
        List<INDArray> points = new ArrayList<>();
        for (int e : experts) {
            String hook = NeuronId.hook(config, l, e);
            INDArray a = plain.get(hook);
            a = a.reshape(a.length()).castTo(DataType.FLOAT);              // the one row at pos
            hooks.add(hook);
            activations.add(a);
            points.add(pathWithZero(a, steps, grid));
        }
        IntegratedGradients.Gradients g = ig.gradientsAt(prompt, pos, new int[] {pos}, hooks, points, target);
        List<LayerAttribution.Group> groups = new ArrayList<>();
        for (int i = 0; i < experts.size(); i++) {
            INDArray grads = g.grads().get(i);                                 // (m + 1, 1, f)
            INDArray mean = grads.get(NDArrayIndex.interval(0, steps)).mean(0)
                    .reshape(activations.get(i).length());
            INDArray att = activations.get(i).mul(mean);
            groups.add(new LayerAttribution.Group(experts.get(i), activations.get(i).toFloatVector(), att.toFloatVector()));
        }
        return new LayerAttribution(l, groups, pFull, g.values().getDouble(steps));
    }

    // the neuron groups of layer l at pos: dense, or the routed experts ascending and the shared expert
    private List<Integer> experts(int l, int pos, Captures plain) {
        if (!sparse(l)) {
            return List.of(NeuronId.DENSE);
        }
        INDArray ids = plain.routing(HookNames.routing(l)).ids();             // (1, t, k)
        TreeSet<Integer> routed = new TreeSet<>();
        for (int j = 0; j < ids.size(2); j++) {
            routed.add(ids.getInt(0, pos, j));
        }
        List<Integer> experts = new ArrayList<>(routed);
        if (config.moe().hasSharedExpert()) {
            experts.add(NeuronId.sharedExpert(config));
        }
        return experts;
    }

    private boolean sparse(int layer) {
        return config.isMoe() && config.moe().isSparse(layer);
    }

    // (m + 1, 1, f): α_q·a for q < m, then 0
    private static INDArray pathWithZero(INDArray a, int steps, RiemannGrid grid) {
        double[] alpha = Arrays.copyOf(grid.alphas(steps), steps + 1);
        INDArray alphas = Nd4j.createFromArray(alpha).castTo(a.dataType()).reshape(steps + 1, 1, 1);
        return alphas.mul(a.reshape(1, 1, a.length()));
    }
}
