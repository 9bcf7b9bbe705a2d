package org.neurosweep.methods.moe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Reductions;
import org.neurosweep.autograd.Shapes;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.attribution.IntegratedGradients;
import org.neurosweep.methods.attribution.RiemannGrid;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;

/**
 * Step 9's causal check (iii) (docs/methods/moe-attribution.md): integrated gradients of each selected expert's
 * router logit at t* with respect to the attention heads' outputs at t*, zero baseline. The path scales the
 * per-head outputs (the o_proj input, (heads, dh) per layer) of every layer at t* together by α; the router of
 * layer l only sees the heads of layers ≤ l, so one path serves every (layer, expert) objective. For objective
 * (l, e) and head (l', h): IG = Σ_{features of h} a ⊙ (1/m) Σ_q ∂ z_{l,e} / ∂(α_q a), on the right Riemann grid.
 * Completeness: Σ over heads ≈ z_{l,e}(α = 1) − z_{l,e}(α = 0), both reported.
 *
 * <p>Batched as in the project's integrated gradients: the m path points of every objective, plus one α = 0 row
 * per objective, are the rows of ONE forward and ONE backward; row (k, q) differentiates only objective k's logit.
 */
public final class RouterIntegratedGradients {

    /**
     * One selected expert's attribution.
     *
     * @param logit         z_{l,e} at t* with the heads as they are (α = 1)
     * @param logitBaseline z_{l,e} at t* with every head output at t* zeroed (α = 0)
     * @param ig            per (head layer, head), (layers, heads); zero for head layers above {@code layer}
     */
    public record Result(int layer, int expert, double logit, double logitBaseline, double[][] ig) {

        /** Σ of the head IGs; completeness says it approaches logit − logitBaseline as m grows. */
        public double sum() {
            double s = 0;
            for (double[] row : ig) {
                for (double v : row) {
                    s += v;
                }
            }
            return s;
        }
    }

    private final CausalLM model;
    private final IntegratedGradients ig;

    public RouterIntegratedGradients(CausalLM model) {
        this.model = model;
        this.ig = new IntegratedGradients(model);
    }

    /**
     * @param prompt   token ids, no padding; t* is the last position
     * @param selected the (layer, expert) pairs whose router logits are attributed (typically the experts routed at t*)
     * @param steps    m ≥ 1
     */
    public List<Result> attribute(int[] prompt, List<ExpertPair> selected, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("router integrated gradients: steps must be >= 1, got " + steps);
        }
        if (selected.isEmpty()) {
            return List.of();
        }
        int layers = model.config().numLayers();
        int heads = model.config().numHeads();
        int last = prompt.length - 1;
        List<String> hooks = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            hooks.add(HookNames.attnHeadOut(l));
        }
        INDArray[] a = new INDArray[layers];                                     // (1, heads·dh) per layer
        try (Forward clean = model.forward(Batch.of(prompt).logitsAt(LogitsAt.last()),
                Hooks.none().captureAt(new int[] {last}, hooks.toArray(String[]::new)), null)) {
            for (int l = 0; l < layers; l++) {
                INDArray h = clean.captures().get(hooks.get(l));                  // (1, 1, heads, dh)
                a[l] = h.reshape(1, h.length()).castTo(DataType.FLOAT);
            }
        }
        int k = selected.size();
        int rowsPer = steps + 1;                                                  // α_1..α_m, then α = 0
        double[] alphas = RiemannGrid.RIGHT.alphas(steps);
        INDArray scale = Nd4j.zeros(DataType.FLOAT, (long) k * rowsPer, 1, 1);
        for (int o = 0; o < k; o++) {
            for (int q = 0; q < steps; q++) {
                scale.putScalar(new long[] {(long) o * rowsPer + q, 0, 0}, alphas[q]);
            }
        }
        List<INDArray> points = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            points.add(scale.mul(a[l].reshape(1, 1, a[l].length())));             // (k·(m+1), 1, heads·dh)
        }
        IntegratedGradients.Gradients g = ig.gradientsAt(prompt, new int[] {last}, hooks, points,
                new RouterLogits(selected, rowsPer, last));
        List<Result> out = new ArrayList<>(k);
        for (int o = 0; o < k; o++) {
            ExpertPair pair = selected.get(o);
            double[][] byHead = new double[layers][heads];
            for (int l = 0; l <= pair.layer(); l++) {
                INDArray grads = g.grads().get(l).get(NDArrayIndex.interval((long) o * rowsPer, (long) o * rowsPer + steps));
                INDArray mean = grads.mean(0).reshape(heads, a[l].length() / heads);     // (heads, dh)
                INDArray contribution = mean.mul(a[l].reshape(heads, a[l].length() / heads)).sum(1);
                for (int h = 0; h < heads; h++) {
                    byHead[l][h] = contribution.getDouble(h);
                }
            }
            out.add(new Result(pair.layer(), pair.expert(), g.values().getDouble((long) o * rowsPer + steps - 1),
                    g.values().getDouble((long) o * rowsPer + steps), byHead));
        }
        return out;
    }

    /**
     * y_r = the router logit of objective k(r)'s expert at t*, for row r of block k(r) = r / rowsPer: one one-hot
     * mask per MoE layer picks, in each row, the logit of that row's own objective (rows of other layers' objectives
     * read 0 there).
     */
    private static final class RouterLogits implements IntegratedGradients.Objective {
        private final List<ExpertPair> selected;
        private final int rowsPer;
        private final int position;
        private final Map<Integer, Var> picked = new HashMap<>();                 // layer -> (rows)

        RouterLogits(List<ExpertPair> selected, int rowsPer, int position) {
            this.selected = selected;
            this.rowsPer = rowsPer;
            this.position = position;
        }

        // each layer's part of y is computed inside its hook, when the logits are fresh: the routing that follows
        // may reuse their buffer
        @Override
        public void read(Hooks hooks) {
            selected.stream().map(ExpertPair::layer).distinct().forEach(l -> hooks.intervene(HookNames.routerLogits(l),
                    (z, ctx) -> {
                        long rows = z.size(0);
                        long experts = z.size(2);
                        Var atT = Shapes.reshape(Shapes.slice(z, 1, position, position + 1), rows, experts);   // (rows, E)
                        INDArray mask = Nd4j.zeros(z.dataType(), rows, experts);
                        for (int o = 0; o < selected.size(); o++) {
                            if (selected.get(o).layer() == l) {
                                for (int q = 0; q < rowsPer; q++) {
                                    mask.putScalar((long) o * rowsPer + q, selected.get(o).expert(), 1.0);
                                }
                            }
                        }
                        picked.put(l, Reductions.sum(Elementwise.mul(atT, Var.constant(mask)), 1));           // (rows)
                        return z;
                    }));
        }

        @Override
        public Var values(Forward f, int rows) {
            Var y = null;
            for (Var v : picked.values()) {
                y = y == null ? v : Elementwise.add(y, v);
            }
            if (y == null) {
                throw new IllegalStateException("no router logits were read: the selected layers have no router");
            }
            return Shapes.reshape(y, rows);
        }
    }
}
