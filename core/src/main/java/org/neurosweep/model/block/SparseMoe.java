package org.neurosweep.model.block;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.autograd.Activations;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Routing;
import org.neurosweep.autograd.Shapes;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.HookRun;
import org.neurosweep.hook.Layout;
import org.neurosweep.hook.MoeEdits;

/**
 * A sparse mixture-of-experts FFN (Mixtral, Qwen2-MoE, OLMoE): router softmax over all experts, top-k, optional
 * renormalisation of the selected weights, and each token run only through its selected experts (tokens grouped
 * per expert, gathered, one GEMM per expert projection, scattered back with their routing weights). Qwen2-MoE
 * adds a shared expert scaled by a sigmoid gate.
 */
public final class SparseMoe implements FeedForward {
    private final Projection router;
    private final GatedMlp[] experts;
    private final int topK;
    private final boolean normTopkProb;
    private final GatedMlp shared;
    private final Projection sharedGate;

    /** {@code shared} and {@code sharedGate} are both null when the family has no shared expert. */
    public SparseMoe(Projection router, GatedMlp[] experts, int topK, boolean normTopkProb, GatedMlp shared,
                     Projection sharedGate) {
        this.router = router;
        this.experts = experts.clone();
        this.topK = topK;
        this.normTopkProb = normTopkProb;
        this.shared = shared;
        this.sharedGate = sharedGate;
    }

    @Override
    public Var forward(Var x, ForwardContext ctx, int layer) {
        HookRun hooks = ctx.hooks();
        HookNames.Layer names = HookNames.layer(layer);
        MoeEdits edits = hooks.moe(layer);
        int b = ctx.batch().size();
        int t = ctx.batch().length();
        int n = b * t;
        long d = x.size(2);
        Var logits = hooks.at(names.routerLogits, Layout.TOKENS, router.apply(x));       // (b, t, E)
        Var[] routing = route(Shapes.reshape(logits, n, experts.length), edits, ctx);    // ids (n, k), weights (n, k)
        INDArray ids = routing[0].value();
        Var weights = routing[1];
        int k = (int) ids.size(1);
        hooks.routing(names.routing, ids.reshape(b, t, k), weights.value().reshape(b, t, k));

        Var tokens = Shapes.reshape(x, n, d);
        Var slotWeights = Shapes.reshape(weights, (long) n * k, 1);
        int[] flatIds = ids.dup('c').reshape((long) n * k).toIntVector();
        Dispatch dispatch = Dispatch.of(flatIds, k, experts.length, edits);
        // Inference (no tape; hooks at an expert's input, neurons or output, if any, only capture at some positions):
        // the experts run side by side (ExpertLanes), each writing its weighted output as a block of one stacked array,
        // and the few rows the captures keep (e.g. t* of every prompt) then run once more through their expert, for
        // the hooks alone. Otherwise each expert's output is a Var of its own, for the hooks or the backward.
        int[][] captured = Tape.isRecording() ? null : capturedRows(dispatch, hooks, names);
        Var routed;
        if (captured != null) {
            routed = inferRouted(tokens, dispatch, slotWeights, n, k, d);
            for (int i = 0; i < captured.length; i++) {
                if (captured[i].length > 0) {
                    contribution(dispatch.experts().get(i), pick(dispatch.rows().get(i), captured[i]),
                            pick(dispatch.slots().get(i), captured[i]), tokens, slotWeights, hooks, names);
                }
            }
        } else {
            routed = generalRouted(tokens, dispatch, slotWeights, hooks, names, n, d);
        }
        Var y = Shapes.reshape(routed, b, t, d);
        if (shared != null && (edits == null || !edits.sharedRemoved())) {
            Var s = shared.apply(x, v -> hooks.at(names.sharedPre, Layout.TOKENS, v),
                    v -> hooks.at(names.sharedPost, Layout.TOKENS, v));
            Var gate = hooks.at(names.sharedGate, Layout.TOKENS, Activations.sigmoid(sharedGate.apply(x)));  // (b, t, 1)
            y = Elementwise.add(y, hooks.at(names.sharedOut, Layout.TOKENS, Elementwise.mul(s, gate)));
        }
        return y;
    }

    // the routed experts' weighted outputs summed per token, (n, d), at inference: the experts spread over
    // ExpertLanes, each gathering its tokens, writing its output as a column block of one f-order (d, slots + 1)
    // array and weighing that block's columns by their routing weights; then each token's k slots are gathered and
    // added (the extra column is zero, for the slots of dropped experts)
    private Var inferRouted(Var tokens, Dispatch dispatch, Var slotWeights, int n, int k, long d) {
        if (dispatch.experts().isEmpty()) {
            return combine(List.of(), new int[0], n, d);
        }
        INDArray x = tokens.value();
        float[] weightOf = slotWeights.value().dup('c').data().asFloat();                    // by slot
        int active = dispatch.experts().size();
        long[] from = new long[active + 1];
        for (int i = 0; i < active; i++) {
            from[i + 1] = from[i] + dispatch.rows().get(i).length;
        }
        int zero = (int) from[active];
        INDArray stackedT = Nd4j.createUninitialized(x.dataType(), new long[] {d, zero + 1}, 'f');
        stackedT.getColumn(zero).assign(0);
        ExpertLanes.run(ExpertLanes.available(), active, i -> {
            INDArray block = stackedT.get(NDArrayIndex.all(), NDArrayIndex.interval(from[i], from[i + 1]));  // (d, R)
            experts[dispatch.experts().get(i)].inferInto(Shapes.gatherRows(x, dispatch.rows().get(i)), block);
            int[] slots = dispatch.slots().get(i);
            float[] w = new float[slots.length];
            for (int j = 0; j < slots.length; j++) {
                w[j] = weightOf[slots[j]];
            }
            block.muliRowVector(Nd4j.createFromArray(w).reshape(1, slots.length).castTo(block.dataType()));
        });
        int[][] position = dispatch.stackedPositions(n, k, zero);                           // [j][token]
        INDArray stacked = stackedT.transpose();                                            // (slots + 1, d)
        INDArray sum = Shapes.gatherRows(stacked, position[0]);
        for (int j = 1; j < k; j++) {
            sum.addi(Shapes.gatherRows(stacked, position[j]));
        }
        return Var.constant(sum);
    }

    // the same with hooks at the experts or a tape: each expert gathers its tokens and weighs its own output
    private Var generalRouted(Var tokens, Dispatch dispatch, Var slotWeights, HookRun hooks, HookNames.Layer names,
                              int n, long d) {
        List<Var> contributions = new ArrayList<>();
        for (int i = 0; i < dispatch.experts().size(); i++) {
            contributions.add(contribution(dispatch.experts().get(i), dispatch.rows().get(i), dispatch.slots().get(i),
                    tokens, slotWeights, hooks, names));
        }
        return combine(contributions, flat(dispatch.rows()), n, d);
    }

    // expert e's weighted output for the flat tokens rows (its routing slots slots), through its hooks: (rows, d)
    private Var contribution(int e, int[] rows, int[] slots, Var tokens, Var slotWeights, HookRun hooks,
                             HookNames.Layer names) {
        String pre = names.expertPre(e);
        String post = names.expertPost(e);
        Var out = experts[e].apply(Shapes.indexSelect(tokens, 0, rows), v -> hooks.atRouted(pre, v, rows),
                v -> hooks.atRouted(post, v, rows));                                               // (routed, d)
        Var weighted = Elementwise.mul(out, Shapes.indexSelect(slotWeights, 0, slots));
        return hooks.atRouted(names.expertOut(e), weighted, rows);
    }

    /**
     * Per active expert, the indices of its routed rows that capture-only hooks at its input, neurons or output
     * keep (empty: no hook there); null when some expert hook needs the full activations (an intervention or watch,
     * or a capture at every position), i.e. the per-expert path.
     */
    private static int[][] capturedRows(Dispatch dispatch, HookRun hooks, HookNames.Layer names) {
        int[][] out = new int[dispatch.experts().size()][];
        for (int i = 0; i < out.length; i++) {
            int e = dispatch.experts().get(i);
            int[] rows = dispatch.rows().get(i);
            TreeSet<Integer> kept = new TreeSet<>();
            for (String name : List.of(names.expertPre(e), names.expertPost(e), names.expertOut(e))) {
                int[] k = hooks.capturedRowsOnly(name, rows);
                if (k == null) {
                    return null;
                }
                Arrays.stream(k).forEach(kept::add);
            }
            out[i] = kept.stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    private static int[] pick(int[] values, int[] at) {
        return Arrays.stream(at).map(i -> values[i]).toArray();
    }

    // → {ids (n, k) as a constant Var, weights (n, k)} after the layer's routing interventions
    private Var[] route(Var logits, MoeEdits edits, ForwardContext ctx) {
        if (edits != null && !edits.rerouted().isEmpty()) {
            INDArray block = Nd4j.zeros(DataType.FLOAT, 1, experts.length);
            for (int e : edits.rerouted()) {
                block.putScalar(0, e, Float.NEGATIVE_INFINITY);
            }
            logits = Elementwise.add(logits, Var.constant(block));
        }
        INDArray ids;
        Var weights;
        if (edits != null && edits.forcedIds() != null) {
            ids = forced(edits.forcedIds(), ctx).castTo(DataType.INT);
            if (ids.minNumber().intValue() < 0 || ids.maxNumber().intValue() >= experts.length) {
                throw new IllegalArgumentException("forced routing names experts outside 0.." + (experts.length - 1));
            }
            weights = Var.constant(forced(edits.forcedWeights(), ctx).castTo(DataType.FLOAT));
        } else {
            Routing.TopK top = Routing.softmaxTopK(logits, topK, normTopkProb);
            ids = top.ids();
            weights = top.values();
        }
        if (edits != null && (edits.topKCap() > 0 || !edits.dropped().isEmpty())) {
            weights = Elementwise.mul(weights, Var.constant(kept(ids, edits)));
        }
        return new Var[] {Var.constant(ids), weights};
    }

    // forced (b, T, k) for this forward's tokens → (n, k); T is this forward's length or the whole sequence
    private static INDArray forced(INDArray a, ForwardContext ctx) {
        int b = ctx.batch().size();
        int t = ctx.batch().length();
        INDArray cut = a;
        if (a.size(1) != t) {
            if (a.size(1) < ctx.offset() + t || a.size(0) != b) {
                throw new IllegalArgumentException("forced routing of shape " + Arrays.toString(a.shape())
                        + " covers neither this forward's " + t + " tokens nor sequence indices 0.." + (ctx.offset() + t - 1));
            }
            cut = a.get(NDArrayIndex.all(), NDArrayIndex.interval(ctx.offset(), ctx.offset() + t), NDArrayIndex.all());
        }
        return cut.dup('c').reshape((long) b * t, a.size(2));
    }

    // 1 for slots that keep their weight, 0 for slots beyond the top-k cap or routed to a dropped expert
    private static INDArray kept(INDArray ids, MoeEdits edits) {
        long n = ids.size(0);
        int k = (int) ids.size(1);
        int cap = edits.topKCap() > 0 ? edits.topKCap() : k;
        int[] flat = ids.dup('c').reshape(n * k).toIntVector();
        float[] keep = new float[flat.length];
        for (int i = 0; i < flat.length; i++) {
            keep[i] = i % k < cap && !edits.isDropped(flat[i]) ? 1f : 0f;
        }
        return Nd4j.create(keep, n, k);
    }

    /**
     * Which experts run and on what: per active expert (routed at least one slot, not dropped), in expert order, its
     * slots (indices into the flattened (n·k) routing) and their tokens (slot / k).
     */
    private record Dispatch(List<Integer> experts, List<int[]> slots, List<int[]> rows) {
        static Dispatch of(int[] flatIds, int k, int numExperts, MoeEdits edits) {
            List<Integer> active = new ArrayList<>();
            List<int[]> slots = new ArrayList<>();
            for (int e = 0; e < numExperts; e++) {
                int[] mine = slotsOf(flatIds, e);
                if (mine.length > 0 && (edits == null || !edits.isDropped(e))) {
                    active.add(e);
                    slots.add(mine);
                }
            }
            List<int[]> rows = slots.stream().map(sl -> Arrays.stream(sl).map(slot -> slot / k).toArray()).toList();
            return new Dispatch(active, slots, rows);
        }

        /**
         * [j][token]: where the token's j-th slot lies among the active experts' slots stacked in dispatch order, or
         * {@code missing} when that slot went to a dropped expert.
         */
        int[][] stackedPositions(int n, int k, int missing) {
            int[][] position = new int[k][n];
            for (int[] row : position) {
                Arrays.fill(row, missing);
            }
            int p = 0;
            for (int[] mine : slots) {
                for (int slot : mine) {
                    position[slot % k][slot / k] = p++;
                }
            }
            return position;
        }

        private static int[] slotsOf(int[] flatIds, int expert) {
            return IntStream.range(0, flatIds.length).filter(i -> flatIds[i] == expert).toArray();
        }
    }

    private static int[] flat(List<int[]> parts) {
        return parts.stream().flatMapToInt(Arrays::stream).toArray();
    }

    // Σ of the experts' weighted outputs per token, (n, d): one concat and one scatter-add; rows = the token of each
    // stacked row
    private static Var combine(List<Var> contributions, int[] rows, int n, long d) {
        if (contributions.isEmpty()) {
            return Var.constant(Nd4j.zeros(DataType.FLOAT, n, d));
        }
        Var stacked = contributions.size() == 1 ? contributions.get(0)
                : Shapes.concat(0, contributions.toArray(new Var[0]));
        return Shapes.scatterAddRows(stacked, rows, n);
    }
}
