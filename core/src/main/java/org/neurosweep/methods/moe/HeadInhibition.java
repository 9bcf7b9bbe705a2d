package org.neurosweep.methods.moe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.autograd.Activations;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.Captures;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.icl.NextToken;
import org.neurosweep.methods.icl.PromptBatch;
import org.neurosweep.methods.moe.SampleAttribution.HeadScore;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;

/**
 * Step 9's causal checks (i) and (ii) (docs/methods/moe-attribution.md, step 9; protocol inferred there): the top heads by
 * aggregated head LPI are zeroed (their slices of the o_proj input), and we measure (i) the router probability mass
 * that the MoE layers from the first inhibited head's layer on still give, at t*, to the experts the clean forward
 * selected, and the target's rank; (ii) the rank when, with the heads still zeroed, every MoE layer is forced to the
 * clean forward's routing (ids and applied weights at every position).
 */
public final class HeadInhibition {

    /** A query head of one layer. */
    public record Head(int layer, int head) {
        @Override
        public String toString() {
            return layer + ":" + head;
        }
    }

    /**
     * Per sample, the clean, inhibited and forced-routing predictions; the router mass on the originally selected
     * experts averaged over samples and the affected MoE layers, clean (the sum of their weights before any
     * renormalisation, i.e. their softmax probabilities) and inhibited.
     */
    public record Result(List<NextToken> clean, List<NextToken> inhibited, List<NextToken> forced, double massClean,
                         double massInhibited) {
    }

    private final CausalLM model;
    private final int padId;
    private final int microBatch;

    public HeadInhibition(CausalLM model, int padId, int microBatch) {
        this.model = model;
        this.padId = padId;
        this.microBatch = Math.max(1, microBatch);
    }

    /** The {@code k} heads with the largest Σ over samples of head LPI; ties by layer, then head. */
    public static List<Head> topHeads(List<SampleAttribution> samples, int k) {
        Map<Head, Double> sums = new LinkedHashMap<>();
        for (SampleAttribution s : samples) {
            for (HeadScore h : s.heads()) {
                sums.merge(new Head(h.layer(), h.head()), h.score().lpi(), Double::sum);
            }
        }
        return sums.entrySet().stream()
                .sorted(Map.Entry.<Head, Double>comparingByValue().reversed()
                        .thenComparing(e -> e.getKey().layer()).thenComparing(e -> e.getKey().head()))
                .limit(k).map(Map.Entry::getKey).toList();
    }

    /** Runs the three conditions over {@code prompts} with {@code targets[i]} = {target id} of prompt i. */
    public Result run(List<int[]> prompts, List<int[]> targets, List<Head> heads) {
        List<Integer> moeLayers = new ArrayList<>();
        int from = heads.stream().mapToInt(Head::layer).min().orElse(model.config().numLayers());
        for (int l = 0; l < model.config().numLayers(); l++) {
            if (model.hookNames().contains(HookNames.routerLogits(l))) {
                moeLayers.add(l);
            }
        }
        List<NextToken> clean = new ArrayList<>();
        List<NextToken> inhibited = new ArrayList<>();
        List<NextToken> forced = new ArrayList<>();
        double massClean = 0;
        double massInhibited = 0;
        int count = 0;
        for (int start = 0; start < prompts.size(); start += microBatch) {
            int end = Math.min(prompts.size(), start + microBatch);
            PromptBatch batch = PromptBatch.leftPadded(prompts.subList(start, end), padId);
            List<int[]> rowTargets = targets.subList(start, end);
            int last = batch.last();
            Hooks plain = new Hooks();
            moeLayers.forEach(l -> plain.capture(HookNames.routing(l)).captureAt(new int[] {last}, HookNames.routerLogits(l)));
            Captures c = run(batch, plain, rowTargets, clean);
            Hooks zeroed = inhibit(new Hooks(), heads);
            moeLayers.forEach(l -> zeroed.captureAt(new int[] {last}, HookNames.routerLogits(l)));
            Captures z = run(batch, zeroed, rowTargets, inhibited);
            Hooks routed = inhibit(new Hooks(), heads);
            for (int l : moeLayers) {
                Captures.ExpertRouting r = c.routing(HookNames.routing(l));
                routed.forceRouting(l, r.ids(), r.weights());
            }
            run(batch, routed, rowTargets, forced);
            for (int l : moeLayers) {
                if (l < from) {
                    continue;
                }
                INDArray ids = c.routing(HookNames.routing(l)).ids();
                INDArray p0 = probabilities(c, l);
                INDArray p1 = probabilities(z, l);
                for (int r = 0; r < batch.size(); r++) {
                    for (int j = 0; j < ids.size(2); j++) {
                        int e = ids.getInt(r, last, j);
                        massClean += p0.getDouble(r, e);
                        massInhibited += p1.getDouble(r, e);
                    }
                    count++;
                }
            }
        }
        return new Result(clean, inhibited, forced, count == 0 ? Double.NaN : massClean / count,
                count == 0 ? Double.NaN : massInhibited / count);
    }

    private static Hooks inhibit(Hooks hooks, List<Head> heads) {
        Map<Integer, List<Integer>> byLayer = new TreeMap<>();
        heads.forEach(h -> byLayer.computeIfAbsent(h.layer(), l -> new ArrayList<>()).add(h.head()));
        byLayer.forEach((l, hs) -> hooks.zeroHeads(l, hs.stream().mapToInt(Integer::intValue).toArray()));
        return hooks;
    }

    // one forward: its predictions appended to out, its captures returned
    private Captures run(PromptBatch batch, Hooks hooks, List<int[]> targets, List<NextToken> out) {
        try (Forward f = model.forward(batch.batch(), hooks, null)) {
            INDArray logits = f.logits().value();                                          // (b, 1, V)
            for (int r = 0; r < batch.size(); r++) {
                out.add(NextToken.of(logits.get(NDArrayIndex.point(r), NDArrayIndex.point(0), NDArrayIndex.all())
                        .toFloatVector(), targets.get(r)));
            }
            return f.captures();
        }
    }

    // the router softmax at t* of every row, (b, experts)
    private static INDArray probabilities(Captures c, int layer) {
        INDArray logits = c.get(HookNames.routerLogits(layer));                              // (b, 1, E)
        return Activations.softmax(Var.constant(logits.castTo(DataType.DOUBLE).reshape(logits.size(0), logits.size(2))))
                .value();
    }
}
