package org.neurosweep.hook;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.autograd.Var;

/**
 * The hooks of one forward pass, as the runtime sees them: it calls {@link #at} at every hook point. With no hooks
 * registered every call returns its argument at once.
 */
public final class HookRun {
    static final HookRun EMPTY = new HookRun(null, 0, 0, 0);

    private final Hooks hooks;
    private final int batch;
    private final int length;
    private final int offset;
    private final Captures captures = new Captures();
    private final Map<String, Var> watched = new LinkedHashMap<>();

    HookRun(Hooks hooks, int batch, int length, int offset) {
        this.hooks = hooks;
        this.batch = batch;
        this.length = length;
        this.offset = offset;
    }

    /** The activation at {@code name} after interventions; captured and watched as registered. */
    public Var at(String name, Layout layout, Var activation) {
        if (hooks == null) {
            return activation;
        }
        return apply(new HookContext(name, layout, batch, length, offset, null, null), activation);
    }

    /** Whether any intervention, watch or capture is registered at {@code name} for this forward. */
    public boolean touches(String name) {
        return hooks != null && (hooks.interventionsAt(name) != null || hooks.watches(name) || hooks.captures(name));
    }

    /**
     * For an expert hook that only captures at given positions (no intervention, no watch, a position list): which
     * of the routed rows, flat tokens {@code tokens} (row · t + j), the capture keeps, as indices into
     * {@code tokens}; an empty array when nothing is registered at {@code name}; null when the hook needs the
     * expert's full activation (an intervention, a watch, or a capture at every position).
     */
    public int[] capturedRowsOnly(String name, int[] tokens) {
        if (hooks == null || !touches(name)) {
            return new int[0];
        }
        int[] wanted = hooks.capturePositions(name);
        if (hooks.interventionsAt(name) != null || hooks.watches(name) || wanted == null) {
            return null;
        }
        return Arrays.stream(rangeOf(tokens.length)).filter(i -> contains(wanted, offset + tokens[i] % length)).toArray();
    }

    /** An expert hook: row i of {@code activation} belongs to flat token {@code tokens[i]} (row · t + j). */
    public Var atRouted(String name, Var activation, int[] tokens) {
        if (hooks == null) {
            return activation;
        }
        return apply(new HookContext(name, Layout.ROUTED, batch, length, offset, tokens, null), activation);
    }

    /** The {@code logits} hook: element j of batch row b lies at sequence index {@code positions[b][j]}. */
    public Var atLogits(Var logits, int[][] positions) {
        if (hooks == null) {
            return logits;
        }
        return apply(new HookContext(HookNames.LOGITS, Layout.TOKENS, batch, length, offset, null, positions), logits);
    }

    /** Records the routing of an MoE layer if {@code name} is captured: ids (b, t, k) integer, weights (b, t, k). */
    public void routing(String name, INDArray ids, INDArray weights) {
        if (hooks != null && hooks.captures(name)) {
            captures.putRouting(name, new Captures.ExpertRouting(detached(ids), detached(weights)));
        }
    }

    /**
     * The sum of the additive masks registered for {@code layer}, cut to this forward's queries and its
     * {@code keys} keys: broadcastable to (b, heads, length, keys); null when there is none.
     */
    public INDArray attentionMask(int layer, int keys) {
        List<INDArray> masks = hooks == null ? null : hooks.attentionMasks(layer);
        if (masks == null) {
            return null;
        }
        INDArray sum = null;
        for (INDArray m : masks) {
            INDArray cut = cut(m, keys);
            sum = sum == null ? cut : sum.addi(cut);
        }
        return sum;
    }

    /** The routing interventions of {@code layer}, or null. */
    public MoeEdits moe(int layer) {
        return hooks == null ? null : hooks.moe(layer);
    }

    public Captures captures() {
        return captures;
    }

    /** Hook activations made gradient targets, by name. */
    public Map<String, Var> watched() {
        return Collections.unmodifiableMap(watched);
    }

    private Var apply(HookContext ctx, Var activation) {
        String name = ctx.name();
        Var v = activation;
        List<Intervention> fs = hooks.interventionsAt(name);
        if (fs != null) {
            for (Intervention f : fs) {
                Var out = f.apply(v, ctx);
                if (!Arrays.equals(out.shape(), v.shape())) {
                    throw new IllegalStateException("intervention at " + name + " returned shape "
                            + Arrays.toString(out.shape()) + " for an activation of shape " + Arrays.toString(v.shape()));
                }
                v = out;
            }
        }
        if (hooks.watches(name)) {
            v = v.watch();
            watched.put(name, v);
        }
        if (hooks.captures(name)) {
            capture(ctx, v.value());
        }
        return v;
    }

    private void capture(HookContext ctx, INDArray value) {
        String name = ctx.name();
        int[] wanted = hooks.capturePositions(name);
        Layout layout = ctx.layout();
        int[] tokens = layout == Layout.ROUTED ? routedTokens(ctx) : null;
        if (wanted == null || name.equals(HookNames.LOGITS)) {
            captures.put(name, detached(value), null, tokens);
            return;
        }
        if (layout == Layout.ROUTED) {
            int[] keep = Arrays.stream(rangeOf(tokens.length))
                    .filter(i -> contains(wanted, offset + tokens[i] % length)).toArray();
            int[] keptTokens = Arrays.stream(keep).map(i -> tokens[i]).toArray();
            INDArray rows = keep.length == 0 ? value.get(NDArrayIndex.interval(0, 0), NDArrayIndex.all())
                    : value.get(NDArrayIndex.indices(toLong(keep)), NDArrayIndex.all());
            captures.put(name, detached(rows), null, keptTokens);
            return;
        }
        int[] kept = Arrays.stream(wanted).filter(p -> p >= offset && p < offset + length).toArray();
        int[] local = Arrays.stream(kept).map(p -> p - offset).toArray();
        INDArrayIndex[] idx = new INDArrayIndex[value.rank()];
        Arrays.fill(idx, NDArrayIndex.all());
        idx[layout.seqAxis()] = local.length == 0 ? NDArrayIndex.interval(0, 0) : NDArrayIndex.indices(toLong(local));
        captures.put(name, detached(value.get(idx)), kept, null);
    }

    private static int[] routedTokens(HookContext ctx) {
        int[] tokens = new int[ctx.routedRows()];
        Arrays.setAll(tokens, ctx::tokenOf);
        return tokens;
    }

    private INDArray cut(INDArray mask, int keys) {
        long mq = mask.size(2);
        long mk = mask.size(3);
        long rows = mq == 1 ? 1 : length;
        long cols = mk == 1 ? 1 : keys;
        INDArray out = Nd4j.zeros(mask.dataType(), mask.size(0), mask.size(1), rows, cols);
        long q0 = mq == 1 ? 0 : offset;
        long q1 = Math.min(mq == 1 ? 1 : offset + length, mq);
        long k1 = Math.min(cols, mk);
        if (q1 > q0 && k1 > 0) {
            out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, q1 - q0), NDArrayIndex.interval(0, k1))
                    .assign(mask.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(q0, q1),
                            NDArrayIndex.interval(0, k1)));
        }
        return out;
    }

    private static INDArray detached(INDArray a) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return a.dup('c');
        }
    }

    private static boolean contains(int[] set, int v) {
        for (int s : set) {
            if (s == v) {
                return true;
            }
        }
        return false;
    }

    private static int[] rangeOf(int n) {
        int[] r = new int[n];
        Arrays.setAll(r, i -> i);
        return r;
    }

    private static long[] toLong(int[] a) {
        return Arrays.stream(a).asLongStream().toArray();
    }
}
