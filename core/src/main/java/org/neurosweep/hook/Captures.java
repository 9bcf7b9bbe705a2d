package org.neurosweep.hook;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Activations captured during one forward pass, detached from its workspace (they outlive it). Shapes are those
 * of the hook points (see {@link HookNames}); a capture restricted to positions keeps, along the sequence axis,
 * only the requested positions present in that forward, in the order requested.
 */
public final class Captures {

    /** Routing of one MoE layer: expert ids (b, t, k) integer and the weights applied to their outputs (b, t, k). */
    public record ExpertRouting(INDArray ids, INDArray weights) {
    }

    private final Map<String, INDArray> arrays = new LinkedHashMap<>();
    private final Map<String, int[]> routedTokens = new LinkedHashMap<>();
    private final Map<String, int[]> positions = new LinkedHashMap<>();
    private final Map<String, ExpertRouting> routings = new LinkedHashMap<>();

    /** The captured array, or an error naming what was captured. */
    public INDArray get(String name) {
        INDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("hook " + name + " was not captured; captured: " + names());
        }
        return a;
    }

    public boolean has(String name) {
        return arrays.containsKey(name) || routings.containsKey(name);
    }

    public Set<String> names() {
        Set<String> all = new java.util.LinkedHashSet<>(arrays.keySet());
        all.addAll(routings.keySet());
        return Collections.unmodifiableSet(all);
    }

    /** For an expert hook: the flat token index (row · t + j) of each captured row. */
    public int[] routedTokens(String name) {
        int[] t = routedTokens.get(name);
        if (t == null) {
            throw new IllegalArgumentException("hook " + name + " holds no routed rows");
        }
        return t.clone();
    }

    /** For a capture restricted to positions: the sequence indices kept, in the order of the sequence axis. */
    public int[] positions(String name) {
        int[] p = positions.get(name);
        return p == null ? null : p.clone();
    }

    /** The routing captured at {@code blocks.l.moe.routing}. */
    public ExpertRouting routing(String name) {
        ExpertRouting r = routings.get(name);
        if (r == null) {
            throw new IllegalArgumentException("routing " + name + " was not captured; captured: " + names());
        }
        return r;
    }

    void put(String name, INDArray value, int[] keptPositions, int[] tokens) {
        arrays.put(name, value);
        if (keptPositions != null) {
            positions.put(name, keptPositions);
        }
        if (tokens != null) {
            routedTokens.put(name, tokens);
        }
    }

    void putRouting(String name, ExpertRouting routing) {
        routings.put(name, routing);
    }
}
