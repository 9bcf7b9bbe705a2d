package org.neurosweep.methods.moe;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.autograd.Activations;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.Captures;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;

/**
 * Step 2 of docs/methods/moe-attribution.md: what one clean forward must capture at t* to score every level, and the per-sample
 * {@link LayerComponents} read back from it. Layers with a router are MoE layers (their routed experts' neurons and
 * outputs are captured for the experts the forward ran); the others are dense FFNs.
 */
final class ComponentCapture {
    private final CausalLM model;
    private final ComponentWeights weights;
    private final int layers;
    private final int heads;
    private final int headDim;
    private final boolean[] moe;
    private final boolean[] shared;
    private final int experts;

    ComponentCapture(CausalLM model) {
        this.model = model;
        this.weights = new ComponentWeights(model);
        ModelConfig c = model.config();
        this.layers = c.numLayers();
        this.heads = c.numHeads();
        this.headDim = c.headDim();
        this.experts = c.isMoe() ? c.moe().numExperts() : 0;
        Set<String> known = model.hookNames();
        this.moe = new boolean[layers];
        this.shared = new boolean[layers];
        for (int l = 0; l < layers; l++) {
            moe[l] = known.contains(HookNames.routerLogits(l));
            shared[l] = known.contains(HookNames.sharedOut(l));
        }
    }

    int layers() {
        return layers;
    }

    /** Adds to {@code hooks} the captures at sequence index {@code last} that {@link #read} needs. */
    Hooks capturing(Hooks hooks, int last) {
        int[] at = {last};
        hooks.captureAt(at, HookNames.residPost(layers - 1));
        for (int l = 0; l < layers; l++) {
            HookNames.Layer n = HookNames.layer(l);
            hooks.captureAt(at, n.residPre, n.attnOut, n.residMid, n.mlpOut, n.attnHeadOut);
            if (!moe[l]) {
                hooks.captureAt(at, n.mlpPost);
                continue;
            }
            hooks.captureAt(at, n.routerLogits, n.routing);
            for (int e = 0; e < experts; e++) {
                hooks.captureAt(at, n.expertPost(e), n.expertOut(e));
            }
            if (shared[l]) {
                hooks.captureAt(at, n.sharedPost, n.sharedOut, n.sharedGate);
            }
        }
        return hooks;
    }

    /** h_L at t* of row {@code r}, (d). */
    INDArray finalResidual(Captures c, int r) {
        return row(c, HookNames.residPost(layers - 1), r);
    }

    /**
     * The components of every layer of batch row {@code r} of a forward of {@code b} rows and length {@code t}
     * whose t* is sequence index {@code last}; {@code headOutputs[l]} is {@link #headOutputs} of layer l.
     */
    List<LayerComponents> read(Captures c, int r, int t, int last, INDArray[] headOutputs) {
        List<LayerComponents> out = new ArrayList<>(layers);
        for (int l = 0; l < layers; l++) {
            HookNames.Layer n = HookNames.layer(l);
            INDArray heads = headOutputs[l].get(NDArrayIndex.all(), NDArrayIndex.point(r), NDArrayIndex.all());  // (H, d)
            List<FfnPart> parts = new ArrayList<>();
            double[] probs = null;
            if (!moe[l]) {
                parts.add(new FfnPart(ExpertType.DENSE, -1, 1.0, row(c, n.mlpOut, r), row(c, n.mlpPost, r),
                        weights.denseDown(l)));
            } else {
                probs = softmax(row(c, n.routerLogits, r));
                Captures.ExpertRouting routing = c.routing(n.routing);
                int k = (int) routing.ids().size(2);
                int token = r * t + last;
                for (int slot = 0; slot < k; slot++) {
                    int e = routing.ids().getInt(r, last, slot);
                    double g = routing.weights().getDouble(r, last, slot);
                    if (g == 0 || !c.has(n.expertOut(e))) {
                        continue;  // a slot whose weight an intervention removed: the expert did not contribute
                    }
                    int i = routedRow(c.routedTokens(n.expertOut(e)), token);
                    parts.add(new FfnPart(ExpertType.ROUTED, e, g, routedVector(c, n.expertOut(e), i),
                            routedVector(c, n.expertPost(e), i), weights.expertDown(l, e)));
                }
                if (shared[l] && c.has(n.sharedOut)) {
                    parts.add(new FfnPart(ExpertType.SHARED, -1, row(c, n.sharedGate, r).getDouble(0), row(c, n.sharedOut, r),
                            row(c, n.sharedPost, r), weights.sharedDown(l)));
                }
            }
            out.add(new LayerComponents(row(c, n.residPre, r), row(c, n.attnOut, r), row(c, n.residMid, r),
                    row(c, n.mlpOut, r), heads, parts, probs));
        }
        return out;
    }

    /**
     * a_{l,h} at t* of every row: the captured o_proj input (b, 1, heads, head_dim) times each head's block of o_proj
     * rows, as one batched product: (heads, b, head_dim) × (heads, head_dim, d) → (heads, b, d).
     */
    INDArray headOutputs(Captures c, int layer, int b) {
        INDArray in = c.get(HookNames.attnHeadOut(layer)).castTo(DataType.FLOAT).reshape(b, heads, headDim)
                .permute(1, 0, 2).dup('c');
        INDArray o = weights.outputProjection(layer).castTo(DataType.FLOAT).dup('c').reshape(heads, headDim, -1);
        return Nd4j.matmul(in, o);
    }

    private static INDArray row(Captures c, String name, int r) {
        INDArray a = c.get(name);  // (b, 1, ...) at t*
        return a.get(NDArrayIndex.point(r), NDArrayIndex.point(0), NDArrayIndex.all()).castTo(DataType.FLOAT);
    }

    private static INDArray routedVector(Captures c, String name, int i) {
        return c.get(name).get(NDArrayIndex.point(i), NDArrayIndex.all()).castTo(DataType.FLOAT);
    }

    private static int routedRow(int[] tokens, int token) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == token) {
                return i;
            }
        }
        throw new IllegalStateException("routed expert captured without the row of token " + token);
    }

    // the router's softmax over all experts of one token, in double
    private static double[] softmax(INDArray logits) {
        INDArray z = logits.castTo(DataType.DOUBLE).reshape(1, logits.length());
        return Activations.softmax(Var.constant(z)).value().toDoubleVector();
    }
}
