package org.neurosweep.hook;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Captures and interventions to apply during forward passes, keyed by hook-point name ({@link HookNames}).
 * Build one with the fluent methods, then pass it to every forward that should see it (generation steps
 * included); each forward reports its own {@link Captures}.
 *
 * <p>At a hook point, interventions run in the order they were added, then the result is watched (made a
 * gradient target) if requested, then captured: a capture shows what flowed on. A Hooks object is not modified
 * by a forward and may be shared by sequential forwards; do not mutate it while a forward runs.
 */
public final class Hooks {
    private final Map<String, List<Intervention>> interventions = new HashMap<>();
    private final Map<String, int[]> captures = new LinkedHashMap<>();
    private final Set<String> watched = new LinkedHashSet<>();
    private final Map<Integer, List<INDArray>> attentionMasks = new HashMap<>();
    private final Map<Integer, MoeEdits> moe = new HashMap<>();

    /** An empty set to add captures and interventions to. */
    public Hooks() {
    }

    /** No hooks: a forward with it costs no more than a bare one. */
    public static Hooks none() {
        return new Hooks();
    }

    /** Captures the named activations at every position. */
    public Hooks capture(String... names) {
        for (String n : names) {
            captures.put(n, null);
        }
        return this;
    }

    /** Captures the named activations at the given sequence indices only. */
    public Hooks captureAt(int[] positions, String... names) {
        for (String n : names) {
            captures.put(n, positions.clone());
        }
        return this;
    }

    /**
     * Makes the named activations gradient targets: after {@code tape.backward(..)},
     * {@code forward.watched(name).grad()} holds the gradient with respect to them.
     */
    public Hooks watch(String... names) {
        for (String n : names) {
            if (n.endsWith(".moe.routing")) {
                throw new IllegalArgumentException(n + " is capture-only; watch its weights through the expert hooks");
            }
        }
        watched.addAll(List.of(names));
        return this;
    }

    /** Applies {@code f} in place of the activation at {@code name}. */
    public Hooks intervene(String name, Intervention f) {
        if (name.endsWith(".moe.routing")) {
            throw new IllegalArgumentException(name + " is capture-only; change routing with forceRouting, "
                    + "dropExperts, rerouteExperts or capTopK");
        }
        interventions.computeIfAbsent(name, k -> new ArrayList<>()).add(f);
        return this;
    }

    public Hooks replace(String name, Select where, INDArray value) {
        return intervene(name, Edits.replace(where, value));
    }

    public Hooks add(String name, Select where, INDArray delta) {
        return intervene(name, Edits.add(where, delta));
    }

    public Hooks scale(String name, Select where, double factor) {
        return intervene(name, Edits.scale(where, factor));
    }

    public Hooks zero(String name, Select where) {
        return intervene(name, Edits.zero(where));
    }

    /** Zeroes the given heads' slices of the o_proj input of {@code layer}. */
    public Hooks zeroHeads(int layer, int... heads) {
        return zero(HookNames.attnHeadOut(layer), Select.all().heads(heads));
    }

    /**
     * Residual patching: the residual stream after block {@code layer} ({@code blocks.layer.resid_post}) at
     * sequence index {@code position} becomes {@code vector}, (d) for every row or (b, d) per row.
     */
    public Hooks patchResidual(int layer, int position, INDArray vector) {
        INDArray v = vector.rank() == 2 ? vector.reshape(vector.size(0), 1, vector.size(1)) : vector;
        return replace(HookNames.residPost(layer), Select.at(position), v);
    }

    /**
     * Adds {@code mask} to the attention scores of {@code layer} after the causal mask, before the softmax. It is
     * indexed by absolute sequence indices and broadcasts against (b, heads, queries, keys); entries beyond its
     * extent add nothing. −∞ removes a key; a row that is −∞ everywhere attends to nothing (all-zero pattern).
     */
    public Hooks maskAttention(int layer, INDArray mask) {
        if (mask.rank() != 4) {
            throw new IllegalArgumentException("attention mask must be rank 4 (b|1, heads|1, queries, keys), got "
                    + java.util.Arrays.toString(mask.shape()));
        }
        attentionMasks.computeIfAbsent(layer, k -> new ArrayList<>()).add(mask);
        return this;
    }

    /** Expert blocking, "drop": the experts' routing weights become 0, the others are not renormalised. */
    public Hooks dropExperts(int layer, int... experts) {
        moeEdits(layer).drop(experts);
        return this;
    }

    /** Expert blocking, "reroute": the experts' router logits become −∞, so top-k picks the next best. */
    public Hooks rerouteExperts(int layer, int... experts) {
        moeEdits(layer).reroute(experts);
        return this;
    }

    /** Keeps only the {@code k} highest-weighted selected experts of each token (no renormalisation). */
    public Hooks capTopK(int layer, int k) {
        moeEdits(layer).capTopK(k);
        return this;
    }

    /** Forces the routing of {@code layer}: expert ids and weights (b, t, k), t = this forward's or the whole sequence. */
    public Hooks forceRouting(int layer, INDArray ids, INDArray weights) {
        moeEdits(layer).force(ids, weights);
        return this;
    }

    /** Removes the shared expert of {@code layer} (its gated contribution becomes 0). */
    public Hooks removeSharedExpert(int layer) {
        moeEdits(layer).removeShared();
        return this;
    }

    public boolean isEmpty() {
        return interventions.isEmpty() && captures.isEmpty() && watched.isEmpty() && attentionMasks.isEmpty()
                && moe.isEmpty();
    }

    /**
     * Starts one forward pass over {@code batch} rows of {@code length} tokens whose first token has sequence
     * index {@code offset}; {@code known} tells which hook names the model fires (unknown names are an error).
     */
    public HookRun begin(int batch, int length, int offset, Predicate<String> known, int layers) {
        if (isEmpty()) {
            return HookRun.EMPTY;
        }
        Set<String> names = new LinkedHashSet<>(interventions.keySet());
        names.addAll(captures.keySet());
        names.addAll(watched);
        for (String n : names) {
            if (!known.test(n)) {
                throw new IllegalArgumentException("unknown hook point '" + n + "' for this model; names are those of "
                        + "HookNames, e.g. blocks.0.resid_post (layers 0.." + (layers - 1) + ")");
            }
        }
        for (int l : attentionMasks.keySet()) {
            checkLayer(l, layers, "attention mask");
        }
        for (int l : moe.keySet()) {
            checkLayer(l, layers, "MoE intervention");
        }
        return new HookRun(this, batch, length, offset);
    }

    private static void checkLayer(int l, int layers, String what) {
        if (l < 0 || l >= layers) {
            throw new IllegalArgumentException(what + " for layer " + l + " but the model has layers 0.." + (layers - 1));
        }
    }

    private MoeEdits moeEdits(int layer) {
        return moe.computeIfAbsent(layer, k -> new MoeEdits());
    }

    List<Intervention> interventionsAt(String name) {
        return interventions.get(name);
    }

    boolean captures(String name) {
        return captures.containsKey(name);
    }

    int[] capturePositions(String name) {
        return captures.get(name);
    }

    boolean watches(String name) {
        return watched.contains(name);
    }

    List<INDArray> attentionMasks(int layer) {
        return attentionMasks.get(layer);
    }

    MoeEdits moe(int layer) {
        return moe.get(layer);
    }
}
