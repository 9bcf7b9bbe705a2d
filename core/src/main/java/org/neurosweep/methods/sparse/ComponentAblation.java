package org.neurosweep.methods.sparse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.neurosweep.hook.Hooks;
import org.neurosweep.hook.Select;

/**
 * The optional causal check of SPARCOM: interventions that switch a component set off (neurons' activations zeroed,
 * experts' outputs dropped without renormalising the others), and random controls of the same size per neuron block
 * (per layer for experts), so that a task metric can be compared with the set on, off, and a random set off.
 */
public final class ComponentAblation {

    private ComponentAblation() {
    }

    /** Zeroes the activations (the input of down_proj) of the flattened neurons {@code members}. */
    public static Hooks zeroNeurons(ComponentLayout layout, int[] members) {
        Hooks hooks = new Hooks();
        byBlock(layout, members).forEach((block, neurons) ->
                hooks.zero(ActivationCriterion.PRODUCT.hook(block), Select.all().features(neurons)));
        return hooks;
    }

    /** Drops the outputs of the flattened routed experts {@code experts} (their routing weight becomes 0). */
    public static Hooks dropExperts(ComponentLayout layout, int[] experts) {
        Hooks hooks = new Hooks();
        Map<Integer, List<Integer>> byLayer = new TreeMap<>();
        for (int x : experts) {
            ComponentLayout.Expert e = layout.experts().get(x);
            byLayer.computeIfAbsent(e.layer(), k -> new ArrayList<>()).add(e.expert());
        }
        byLayer.forEach((layer, ids) -> hooks.dropExperts(layer, ids.stream().mapToInt(Integer::intValue).toArray()));
        return hooks;
    }

    /** As many neurons as {@code members} has in each block, drawn uniformly from that block with {@code seed}. */
    public static int[] randomNeuronsLike(ComponentLayout layout, int[] members, long seed) {
        Random random = new Random(seed);
        List<Integer> out = new ArrayList<>();
        byBlock(layout, members).forEach((block, neurons) -> {
            for (int k : sample(random, block.width(), neurons.length)) {
                out.add(block.offset() + k);
            }
        });
        return out.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** As many routed experts as {@code experts} has in each layer, drawn uniformly from that layer with {@code seed}. */
    public static int[] randomExpertsLike(ComponentLayout layout, int[] experts, long seed) {
        Random random = new Random(seed);
        Map<Integer, Integer> perLayer = new TreeMap<>();
        for (int x : experts) {
            perLayer.merge(layout.experts().get(x).layer(), 1, Integer::sum);
        }
        List<Integer> out = new ArrayList<>();
        perLayer.forEach((layer, n) -> {
            int first = layout.expertIndex(layer, 0);
            for (int k : sample(random, layout.expertsIn(layer), n)) {
                out.add(first + k);
            }
        });
        return out.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    // block → the members' indices within it
    private static Map<ComponentLayout.Block, int[]> byBlock(ComponentLayout layout, int[] members) {
        Map<Integer, List<Integer>> lists = new TreeMap<>();
        for (int m : members) {
            ComponentLayout.Block b = layout.blockOf(m);
            lists.computeIfAbsent(b.offset(), k -> new ArrayList<>()).add(m - b.offset());
        }
        Map<ComponentLayout.Block, int[]> out = new LinkedHashMap<>();
        lists.forEach((offset, ks) -> out.put(layout.blockOf(offset), ks.stream().mapToInt(Integer::intValue).toArray()));
        return out;
    }

    // n distinct values of 0..size-1 (partial Fisher-Yates)
    private static int[] sample(Random random, int size, int n) {
        int[] all = new int[size];
        Arrays.setAll(all, i -> i);
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(size - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, n);
    }
}
