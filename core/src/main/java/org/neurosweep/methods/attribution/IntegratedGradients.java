package org.neurosweep.methods.attribution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Activations;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Reductions;
import org.neurosweep.autograd.Routing;
import org.neurosweep.autograd.Shapes;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.HookContext;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;

/**
 * Integrated gradients (Sundararajan et al. 2017) of a hook-point activation, e.g. the FFN neurons
 * {@code blocks.l.mlp.post}, for the probability of a target token at the prompt's last position.
 *
 * <p>With a = the activation at the scaled positions and a′ the baseline, for k = 1..m (α = k/m) the
 * activation at those positions alone is replaced by a′ + α(a − a′) and the forward continues;
 * g_k = ∂ p(target | last position) / ∂(a′ + α(a − a′)). The attribution is (a − a′) ⊙ (1/m) Σ_k g_k
 * (a right Riemann sum by default; {@link RiemannGrid} names the others). All m steps run as the m rows of one
 * batched forward and one backward.
 */
public final class IntegratedGradients {

    /**
     * @param target      the token whose probability is attributed
     * @param positions   the scaled sequence positions, ascending
     * @param activation  a at those positions (|positions|, features)
     * @param attribution IG per position and feature (|positions|, features)
     */
    public record Result(int target, int[] positions, INDArray activation, INDArray attribution) {
    }

    private final CausalLM model;
    private final Supplier<Hooks> background;

    public IntegratedGradients(CausalLM model) {
        this(model, Hooks::none);
    }

    /**
     * @param background a fresh set of interventions active in every forward (e.g. LRP2's projection of the residual
     *                   stream); the path replacement and captures are added to it, so it must not touch the scaled
     *                   hook point itself
     */
    public IntegratedGradients(CausalLM model, Supplier<Hooks> background) {
        this.model = model;
        this.background = background;
    }

    /**
     * The {@code ig.layer1} setting of reference dumps (docs/reference-format.md): zero baseline, only the last
     * position scaled, target = argmax there.
     */
    public Result attribute(int[] prompt, String hook, int steps) {
        return attribute(prompt, hook, steps, new int[] {prompt.length - 1}, null, -1);
    }

    /**
     * @param prompt    token ids, no padding
     * @param hook      a hook point of layout (b, t, features)
     * @param steps     m ≥ 1
     * @param positions the positions whose activation is scaled (ascending, within the prompt)
     * @param baseline  a′ (|positions|, features), or null for zeros
     * @param target    the token attributed, or −1 for the argmax at the last position
     */
    public Result attribute(int[] prompt, String hook, int steps, int[] positions, INDArray baseline, int target) {
        return attribute(prompt, hook, steps, RiemannGrid.RIGHT, positions, baseline, target);
    }

    /** The same on another Riemann grid (the α of the m points, {@link RiemannGrid}). */
    public Result attribute(int[] prompt, String hook, int steps, RiemannGrid grid, int[] positions, INDArray baseline,
                            int target) {
        int[] scaled = checkedPositions(prompt, positions);
        if (steps < 1) {
            throw new IllegalArgumentException("integrated gradients: steps must be ≥ 1, got " + steps);
        }
        INDArray a;
        int chosen;
        try (Forward plain = model.forward(Batch.of(prompt).logitsAt(LogitsAt.last()),
                background.get().captureAt(scaled, hook), null)) {
            a = plain.captures().get(hook);                               // (1, |P|, features), detached
            chosen = target >= 0 ? target : plain.logits().value().argMax(2).getInt(0);
        }
        long features = a.size(2);
        a = a.reshape(scaled.length, features);
        INDArray start = baseline == null ? Nd4j.zeros(a.dataType(), a.shape()) : baseline.castTo(a.dataType());
        if (!Arrays.equals(start.shape(), a.shape())) {
            throw new IllegalArgumentException("integrated gradients: baseline " + Arrays.toString(start.shape())
                    + " must be (positions, features) = " + Arrays.toString(a.shape()));
        }
        INDArray path = a.sub(start);                                      // a − a′
        INDArray grads = gradientsAt(prompt, hook, scaled, pathPoints(start, path, steps, grid), chosen);
        return new Result(chosen, scaled, a, path.mul(grads.mean(0)));
    }

    /**
     * ∂ p(target | last position) / ∂(activation at {@code positions}) with that activation replaced by each
     * row of {@code points} (m, |positions|, features): one forward and one backward over a batch of m copies
     * of the prompt → (m, |positions|, features).
     */
    public INDArray gradientsAt(int[] prompt, String hook, int[] positions, INDArray points, int target) {
        return gradientsAt(prompt, positions, List.of(hook), List.of(points), target).grads().get(0);
    }

    /**
     * The gradients of a batched path through several hook points at once and the objective values they came from.
     *
     * @param grads  per hook, ∂ y_q / ∂ points[q] (m, |positions|, features of that hook)
     * @param values y_q, the objective of row q (m); p_q(target) at the answer position for {@link #targetProbability}
     */
    public record Gradients(List<INDArray> grads, INDArray values) {
    }

    /**
     * What a batched path forward differentiates: one value y_q per batch row, read from the forward. Rows do not
     * interact, so the gradient of Σ_q y_q at row q's points is that of y_q alone; different rows may read different
     * quantities (e.g. different router logits), as long as each reads only its own row.
     */
    public interface Objective {
        /** Adds to {@code hooks} whatever reads the forward; called once, before it runs. */
        void read(Hooks hooks);

        /** y (rows) after the forward {@code f} of {@code rows} batch rows. */
        Var values(Forward f, int rows);
    }

    /** y_q = p_q(target) at the answer position (the softmax of the output logits there). */
    public static Objective targetProbability(int target) {
        return new Objective() {
            @Override
            public void read(Hooks hooks) {
            }

            @Override
            public Var values(Forward f, int rows) {
                Var logits = Shapes.reshape(f.logits(), rows, f.logits().size(2));               // (m, vocab)
                INDArray ids = Nd4j.valueArrayOf(new long[] {rows, 1}, target, DataType.INT);
                return Shapes.reshape(Routing.gatherLastDim(Activations.softmax(logits), ids), rows);
            }
        };
    }

    /** {@link #gradientsAt(int[], int, int[], List, List, int)} with the prompt's last position as the answer. */
    public Gradients gradientsAt(int[] prompt, int[] positions, List<String> hooks, List<INDArray> points, int target) {
        return gradientsAt(prompt, prompt.length - 1, positions, hooks, points, targetProbability(target));
    }

    /**
     * The same over several hook points scaled together (e.g. all experts routed at a position): row q of
     * {@code points.get(h)} (m, |positions|, features_h) replaces the activation of {@code hooks.get(h)} at
     * {@code positions} in batch row q. A hook of layout (b, t, features) is replaced at those positions; an expert
     * hook (one row per routed token) at the rows of the tokens at those positions, each of which must be routed to
     * that expert in every batch row. Rows do not interact, so row q's gradient is that of a forward of its own.
     * The probability is read from the logits at {@code answer}: the last position of a causal LM's prompt (they
     * predict the next token), a masked LM's mask position (they predict the token there).
     */
    public Gradients gradientsAt(int[] prompt, int answer, int[] positions, List<String> hooks, List<INDArray> points,
                                 int target) {
        return gradientsAt(prompt, answer, positions, hooks, points, targetProbability(target));
    }

    /** {@link #gradientsAt(int[], int, int[], List, List, Objective)} with the prompt's last position as the answer. */
    public Gradients gradientsAt(int[] prompt, int[] positions, List<String> hooks, List<INDArray> points,
                                 Objective objective) {
        return gradientsAt(prompt, prompt.length - 1, positions, hooks, points, objective);
    }

    /**
     * The same for any {@link Objective}, the forward's logits taken at {@code answer}. A per-head hook
     * (b, t, heads, dh) takes points of (m, |positions|, heads·dh), head-major.
     */
    public Gradients gradientsAt(int[] prompt, int answer, int[] positions, List<String> hooks, List<INDArray> points,
                                 Objective objective) {
        int[] scaled = checkedPositions(prompt, positions);
        if (answer < 0 || answer >= prompt.length) {
            throw new IllegalArgumentException("integrated gradients: answer position " + answer + " outside the prompt's 0.."
                    + (prompt.length - 1));
        }
        if (hooks.isEmpty() || hooks.size() != points.size()) {
            throw new IllegalArgumentException("integrated gradients: " + hooks.size() + " hooks but " + points.size()
                    + " point arrays");
        }
        int steps = (int) points.get(0).size(0);
        Hooks edits = background.get();
        List<Var> leaves = new ArrayList<>();
        for (int h = 0; h < hooks.size(); h++) {
            INDArray p = points.get(h);
            if (p.rank() != 3 || p.size(0) != steps || p.size(1) != scaled.length) {
                throw new IllegalArgumentException("integrated gradients: points " + Arrays.toString(p.shape())
                        + " of " + hooks.get(h) + " must be (" + steps + ", " + scaled.length + ", features)");
            }
            Var leaf = Var.param(p);
            leaves.add(leaf);
            edits.intervene(hooks.get(h), (act, ctx) -> switch (ctx.layout()) {
                case TOKENS -> placeAt(act, leaf, scaled);
                case HEADS_LAST -> Shapes.reshape(placeAt(Shapes.reshape(act, act.size(0), act.size(1), act.size(2) * act.size(3)),
                        leaf, scaled), act.size(0), act.size(1), act.size(2), act.size(3));
                case ROUTED -> placeRouted(act, leaf, scaled, ctx);
                default -> throw new IllegalArgumentException("integrated gradients needs a (b, t, features), a per-head "
                        + "or an expert hook, " + ctx.name() + " is " + ctx.layout());
            });
        }
        objective.read(edits);
        int[][] rows = new int[steps][];
        Arrays.fill(rows, prompt);
        INDArray values;
        try (Tape tape = Tape.record();
             Forward f = model.forward(Batch.of(rows).logitsAt(LogitsAt.positions(answer)), edits, null)) {
            Var y = objective.values(f, steps);                                           // (m)
            values = y.value().reshape(steps).detach();
            tape.backward(Reductions.sum(y));
        }
        return new Gradients(leaves.stream().map(Var::grad).toList(), values);
    }

    /** Row q of the result is a′ + α_q(a − a′), q = 0..m−1, α_q on {@code grid}. */
    private static INDArray pathPoints(INDArray start, INDArray path, int steps, RiemannGrid grid) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray alphas = Nd4j.createFromArray(grid.alphas(steps)).castTo(start.dataType()).reshape(steps, 1, 1);
            return alphas.mul(path.reshape(1, path.size(0), path.size(1))).addi(start.reshape(1, start.size(0), start.size(1)));
        }
    }

    /** act (m, t, features) with positions P replaced by points (m, |P|, features). */
    private static Var placeAt(Var act, Var points, int[] positions) {
        long t = act.size(1);
        INDArray keep = Nd4j.ones(act.dataType(), 1, t, 1);
        for (int p : positions) {
            keep.putScalar(0, p, 0, 0.0);
        }
        Var byPosition = Shapes.permute(points, 1, 0, 2);                  // (|P|, m, features)
        Var placed = Shapes.permute(Shapes.scatterAddRows(byPosition, positions, t), 1, 0, 2);   // (m, t, features)
        return Elementwise.add(Elementwise.mul(act, Var.constant(keep)), placed);
    }

    /**
     * An expert hook's rows (routed, features) with the row of token (batch row q, position P[i]) replaced by
     * points[q, i]; every such token must be routed to the expert.
     */
    private static Var placeRouted(Var act, Var points, int[] positions, HookContext ctx) {
        int steps = (int) points.size(0);
        int n = ctx.routedRows();
        int[] source = new int[steps * positions.length];              // routed row of (q, i), flattened q-major
        Arrays.fill(source, -1);
        INDArray keep = Nd4j.ones(act.dataType(), n, 1);
        for (int r = 0; r < n; r++) {
            int token = ctx.tokenOf(r);
            int i = indexOf(positions, ctx.offset() + token % ctx.length());
            int q = token / ctx.length();
            if (i >= 0 && q < steps) {
                source[q * positions.length + i] = r;
                keep.putScalar(r, 0, 0.0);
            }
        }
        for (int j = 0; j < source.length; j++) {
            if (source[j] < 0) {
                throw new IllegalArgumentException("integrated gradients: " + ctx.name() + " is not routed at position "
                        + positions[j % positions.length] + " of batch row " + j / positions.length);
            }
        }
        Var flat = Shapes.reshape(points, (long) source.length, points.size(2));
        return Elementwise.add(Elementwise.mul(act, Var.constant(keep)), Shapes.scatterAddRows(flat, source, n));
    }

    private static int indexOf(int[] values, int v) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** The positions, checked to be strictly ascending and within the prompt. */
    private static int[] checkedPositions(int[] prompt, int[] positions) {
        if (prompt.length == 0 || positions.length == 0) {
            throw new IllegalArgumentException("integrated gradients needs a prompt and at least one position");
        }
        for (int i = 0; i < positions.length; i++) {
            int p = positions[i];
            if (p < 0 || p >= prompt.length || (i > 0 && p <= positions[i - 1])) {
                throw new IllegalArgumentException("integrated gradients: positions " + Arrays.toString(positions)
                        + " must be ascending and within the prompt of " + prompt.length + " tokens");
            }
        }
        return positions.clone();
    }
}
