package org.neurosweep.methods.moe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.moe.SampleAttribution.ExpertScore;

/**
 * Expert blocking (docs/methods/moe-attribution.md step 7): rank the (layer, expert) pairs of a task by I(l, e), the sum of the
 * expert's LPI over the samples that selected it; block the top k in every layer at once and re-run the samples. Two
 * modes: {@code failure} drops the expert's contribution (weight 0, the others not renormalised); {@code reroute} sets
 * its router logit to −∞ before the top-k, so the token goes to the next best expert. A control blocks k pairs drawn
 * at random, with a seed, from the pairs that some sample selected.
 */
public final class ExpertBlocking {

    /** How a blocked expert is removed. */
    public enum Mode {
        FAILURE("failure"), REROUTE("reroute");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Mode parse(String label) {
            for (Mode m : values()) {
                if (m.label.equals(label)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown blocking mode '" + label + "'; known: failure, reroute");
        }
    }

    /** A ranked pair with its aggregate I(l, e) and how many samples selected it. */
    public record RankedPair(ExpertPair pair, double aggregateLpi, int selections) {
    }

    private ExpertBlocking() {
    }

    /** The routed pairs some sample selected, by I(l, e) descending; ties by layer, then expert. */
    public static List<RankedPair> rank(List<SampleAttribution> samples) {
        Map<ExpertPair, double[]> sums = new LinkedHashMap<>();  // {Σ lpi, count}
        for (SampleAttribution s : samples) {
            for (ExpertScore e : s.experts()) {
                if (e.type() == ExpertType.ROUTED && e.selected()) {
                    double[] acc = sums.computeIfAbsent(new ExpertPair(e.layer(), e.expert()), p -> new double[2]);
                    acc[0] += e.score().lpi();
                    acc[1]++;
                }
            }
        }
        List<RankedPair> out = new ArrayList<>();
        sums.forEach((p, acc) -> out.add(new RankedPair(p, acc[0], (int) acc[1])));
        out.sort(Comparator.comparingDouble(RankedPair::aggregateLpi).reversed()
                .thenComparingInt(r -> r.pair().layer()).thenComparingInt(r -> r.pair().expert()));
        return out;
    }

    /** The first {@code k} pairs of {@code ranked} (all when there are fewer). */
    public static List<ExpertPair> top(List<RankedPair> ranked, int k) {
        return ranked.subList(0, Math.min(k, ranked.size())).stream().map(RankedPair::pair).toList();
    }

    /** {@code k} distinct pairs of {@code candidates} drawn with {@code seed} (a partial Fisher–Yates shuffle). */
    public static List<ExpertPair> random(List<RankedPair> candidates, int k, long seed) {
        List<ExpertPair> pool = new ArrayList<>(candidates.stream().map(RankedPair::pair).toList());
        SplittableRandom rng = new SplittableRandom(seed);
        int n = Math.min(k, pool.size());
        for (int i = 0; i < n; i++) {
            int j = i + rng.nextInt(pool.size() - i);
            ExpertPair swap = pool.get(i);
            pool.set(i, pool.get(j));
            pool.set(j, swap);
        }
        return List.copyOf(pool.subList(0, n));
    }

    /** Adds to {@code hooks} the blocking of {@code pairs} in {@code mode}; no pair adds nothing. */
    public static Hooks block(Hooks hooks, List<ExpertPair> pairs, Mode mode) {
        Map<Integer, List<Integer>> byLayer = new TreeMap<>();
        pairs.forEach(p -> byLayer.computeIfAbsent(p.layer(), l -> new ArrayList<>()).add(p.expert()));
        byLayer.forEach((layer, experts) -> {
            int[] ids = experts.stream().mapToInt(Integer::intValue).toArray();
            if (mode == Mode.FAILURE) {
                hooks.dropExperts(layer, ids);
            } else {
                hooks.rerouteExperts(layer, ids);
            }
        });
        return hooks;
    }
}
