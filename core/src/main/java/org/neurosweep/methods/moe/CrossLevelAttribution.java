package org.neurosweep.methods.moe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.hook.Captures;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.icl.NextToken;
import org.neurosweep.methods.icl.PromptBatch;
import org.neurosweep.methods.lens.LensReadout;
import org.neurosweep.methods.lens.LogitLens;
import org.neurosweep.methods.lens.Unembedding;
import org.neurosweep.methods.moe.SampleAttribution.ExpertScore;
import org.neurosweep.methods.moe.SampleAttribution.HeadScore;
import org.neurosweep.methods.moe.SampleAttribution.LayerScore;
import org.neurosweep.methods.moe.SampleAttribution.NeuronScore;
import org.neurosweep.methods.moe.SampleAttribution.Output;
import org.neurosweep.methods.moe.SampleAttribution.Score;
import org.neurosweep.methods.moe.SampleAttribution.Sublayer;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;

/**
 * Cross-level LPI attribution (docs/methods/moe-attribution.md steps 2–4 and 6): one clean forward per micro-batch of
 * left-padded prompts captures every component at t*; then, per sample, every level is projected with the fixed
 * scale s* of that sample: attention layers and FFN/MoE blocks, heads, routed experts (selected ones), the shared
 * expert, and every neuron of the dense FFNs, the selected experts and the shared expert, of which the top N by LPI
 * are kept. Neuron vectors u_l + gate·m_k·D[:, k] are built as blocks of rows from the down projections and projected
 * as [rows, d] × [d, V] GEMMs, never one vocabulary projection per neuron.
 */
public final class CrossLevelAttribution {
    /** Relative slack on a neuron's LPI bound before it is ruled out of the top N: covers fp32 rounding. */
    static final double BOUND_SLACK = 1e-5;
    private final CausalLM model;
    private final int padId;
    private final int topNeurons;
    private final LpiProjection projection;
    private final ComponentCapture capture;
    private long projectedNeurons;

    /**
     * @param topNeurons   neurons kept per sample (the N of the top-N), 0 = none scored
     * @param rowsPerBlock vectors projected per GEMM; bounds the (rows, V) logits in memory
     */
    public CrossLevelAttribution(CausalLM model, int padId, int topNeurons, int rowsPerBlock) {
        if (topNeurons < 0) {
            throw new IllegalArgumentException("top neurons must be >= 0, got " + topNeurons);
        }
        this.model = model;
        this.padId = padId;
        this.topNeurons = topNeurons;
        this.projection = new LpiProjection(new LogitLens(Unembedding.of(model)), rowsPerBlock);
        this.capture = new ComponentCapture(model);
    }

    /** Neuron rows projected through the vocabulary so far, over all samples (the pruned search's cost). */
    public long projectedNeurons() {
        return projectedNeurons;
    }

    /**
     * Attributes each prompt's next token at its last position to {@code targets[i]}, {@code microBatch} prompts per
     * forward; the results are in prompt order.
     */
    public List<SampleAttribution> attribute(List<int[]> prompts, int[] targets, int microBatch) {
        return attribute(prompts, targets, microBatch, Hooks::new);
    }

    /**
     * {@link #attribute(List, int[], int)} with the interventions of {@code interventions} (a fresh Hooks per
     * forward) active: the components are those of the intervened forward, e.g. with heads zeroed.
     */
    public List<SampleAttribution> attribute(List<int[]> prompts, int[] targets, int microBatch,
                                             Supplier<Hooks> interventions) {
        if (targets.length != prompts.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + targets.length + " targets");
        }
        List<SampleAttribution> out = new ArrayList<>(prompts.size());
        for (int from = 0; from < prompts.size(); from += Math.max(1, microBatch)) {
            List<int[]> rows = prompts.subList(from, Math.min(prompts.size(), from + Math.max(1, microBatch)));
            PromptBatch batch = PromptBatch.leftPadded(rows, padId);
            int last = batch.last();
            Captures captures;
            INDArray logits;
            try (Forward f = model.forward(batch.batch(), capture.capturing(interventions.get(), last), null)) {
                captures = f.captures();
                logits = f.logits().value().detach();                              // (b, 1, V)
            }
            INDArray[] headOutputs = new INDArray[capture.layers()];
            for (int l = 0; l < headOutputs.length; l++) {
                headOutputs[l] = capture.headOutputs(captures, l, batch.size());
            }
            for (int r = 0; r < batch.size(); r++) {
                float[] real = logits.get(NDArrayIndex.point(r), NDArrayIndex.point(0), NDArrayIndex.all()).toFloatVector();
                List<LayerComponents> layers = capture.read(captures, r, batch.length(), last, headOutputs);
                out.add(score(from + r, targets[from + r], real, capture.finalResidual(captures, r), layers));
            }
        }
        return out;
    }

    private SampleAttribution score(int sample, int target, float[] real, INDArray finalResidual,
                                    List<LayerComponents> layers) {
        LensReadout readout = new LensReadout(real);
        int predicted = readout.topK(1)[0];
        Output output = new Output(target, predicted, NextToken.rank(real, target), readout.logProb(target));
        double s = projection.finalScale(finalResidual);
        int[] tokens = {target, predicted};
        int n = layers.size();

        // rows: h_l, u_l, h_l + a_l, u_l + f_l for every layer, then h_L
        List<INDArray> vectors = new ArrayList<>();
        layers.forEach(c -> vectors.add(c.residPre()));
        layers.forEach(c -> vectors.add(c.residMid()));
        layers.forEach(c -> vectors.add(c.residPre().add(c.attention())));
        layers.forEach(c -> vectors.add(c.residMid().add(c.ffn())));
        vectors.add(finalResidual);
        double[][] lp = projection.logProbs(vectors.size(), stacked(vectors), s, tokens);
        double[][] hBase = Arrays.copyOfRange(lp, 0, n);
        double[][] uBase = Arrays.copyOfRange(lp, n, 2 * n);
        List<LayerScore> layerScores = new ArrayList<>();
        for (int l = 0; l < n; l++) {
            layerScores.add(new LayerScore(l, Sublayer.ATTN, score(hBase[l], lp[2 * n + l])));
            layerScores.add(new LayerScore(l, Sublayer.FFN, score(uBase[l], lp[3 * n + l])));
        }
        return new SampleAttribution(sample, output, s, lp[4 * n][0], lp[0][0], layerScores,
                heads(layers, hBase, s, tokens), experts(layers, uBase, s, tokens), neurons(layers, uBase, s, tokens));
    }

    // c = a_{l,h} on h_l, every head of every layer
    private List<HeadScore> heads(List<LayerComponents> layers, double[][] hBase, double s, int[] tokens) {
        int heads = (int) layers.get(0).heads().size(0);
        double[][] lp = projection.logProbs(layers.size() * heads, (from, to) -> {
            List<INDArray> blocks = new ArrayList<>();
            for (int l = from / heads; l * heads < to; l++) {
                INDArray h = layers.get(l).heads().addRowVector(layers.get(l).residPre());        // (H, d)
                int lo = Math.max(from, l * heads) - l * heads;
                int hi = Math.min(to, (l + 1) * heads) - l * heads;
                blocks.add(h.get(NDArrayIndex.interval(lo, hi), NDArrayIndex.all()));
            }
            return Nd4j.concat(0, blocks.toArray(new INDArray[0]));
        }, s, tokens);
        List<HeadScore> out = new ArrayList<>();
        for (int i = 0; i < lp.length; i++) {
            out.add(new HeadScore(i / heads, i % heads, score(hBase[i / heads], lp[i])));
        }
        return out;
    }

    // routed experts (every expert of each MoE layer, scored when selected) and the shared expert, c on u_l
    private List<ExpertScore> experts(List<LayerComponents> layers, double[][] uBase, double s, int[] tokens) {
        List<INDArray> vectors = new ArrayList<>();
        List<int[]> where = new ArrayList<>();  // {layer, part index}
        for (int l = 0; l < layers.size(); l++) {
            List<FfnPart> parts = layers.get(l).parts();
            for (int i = 0; i < parts.size(); i++) {
                if (parts.get(i).type() != ExpertType.DENSE) {
                    vectors.add(layers.get(l).residMid().add(parts.get(i).output()));
                    where.add(new int[] {l, i});
                }
            }
        }
        double[][] lp = vectors.isEmpty() ? new double[0][] : projection.logProbs(vectors.size(), stacked(vectors), s, tokens);
        List<ExpertScore> out = new ArrayList<>();
        int next = 0;
        for (int l = 0; l < layers.size(); l++) {
            LayerComponents c = layers.get(l);
            if (!c.isMoe()) {
                continue;
            }
            Score[] routed = new Score[c.routerProbs().length];
            double[] gate = new double[routed.length];
            Score shared = null;
            double sharedGate = Double.NaN;
            for (; next < where.size() && where.get(next)[0] == l; next++) {
                FfnPart part = c.parts().get(where.get(next)[1]);
                Score score = score(uBase[l], lp[next]);
                if (part.type() == ExpertType.ROUTED) {
                    routed[part.expert()] = score;
                    gate[part.expert()] = part.gateWeight();
                } else {
                    shared = score;
                    sharedGate = part.gateWeight();
                }
            }
            for (int e = 0; e < routed.length; e++) {
                boolean selected = routed[e] != null;
                out.add(new ExpertScore(l, e, ExpertType.ROUTED, selected, selected ? gate[e] : Double.NaN,
                        c.routerProbs()[e], routed[e]));
            }
            if (shared != null) {
                out.add(new ExpertScore(l, -1, ExpertType.SHARED, true, sharedGate, Double.NaN, shared));
            }
        }
        return out;
    }

    /** One FFN part's neurons as a range [offset, offset + width) of the sample's neuron indices. */
    private record Segment(int layer, FfnPart part, INDArray base, INDArray coefficients, int offset, int width) {
    }

    /**
     * Every neuron of every FFN part, c = gate · m_k · D[:, k] on u_l; the top N by target LPI, best first. Exact and
     * pruned: each neuron's LPI is bounded above by the linear bound of {@link LpiProjection#gainBound} (one (L, d)
     * direction per sample, then one (width, d) × (d) product per part), the neurons are projected in descending
     * order of that bound, block by block, and the search stops once the N-th best exact LPI exceeds the bound of
     * every neuron not yet projected (plus {@link #BOUND_SLACK} for fp32 rounding). The result is the same top N
     * as projecting every neuron; only the number of [rows, d] × [d, V] GEMM rows differs.
     */
    private List<NeuronScore> neurons(List<LayerComponents> layers, double[][] uBase, double s, int[] tokens) {
        if (topNeurons == 0) {
            return List.of();
        }
        List<Segment> segments = new ArrayList<>();
        int total = 0;
        for (int l = 0; l < layers.size(); l++) {
            for (FfnPart part : layers.get(l).parts()) {
                int width = (int) part.neurons().length();
                INDArray coefficients = part.neurons().mul(part.gateWeight()).reshape(width, 1);
                segments.add(new Segment(l, part, layers.get(l).residMid(), coefficients, total, width));
                total += width;
            }
        }
        double[] bound = bounds(segments, total, s, tokens[0]);
        int[] order = descending(bound);
        double[] lpi = new double[total];
        double[] lpiPredicted = new double[total];
        Arrays.fill(lpi, Double.NEGATIVE_INFINITY);                  // not projected
        int done = 0;
        while (done < total) {
            // first N plus a little; then small blocks: the bound is tight, few neurons beyond the first block are needed
            long want = done == 0 ? topNeurons + topNeurons / 8L + 16 : Math.max(64, topNeurons / 4);
            int size = (int) Math.min(projection.rowsPerBlock(), want);
            int[] block = Arrays.copyOfRange(order, done, Math.min(total, done + size));
            double[][] lp = projection.logProbs(() -> neuronRows(segments, block), s, tokens);
            for (int i = 0; i < block.length; i++) {
                int layer = segmentOf(segments, block[i]).layer();
                lpi[block[i]] = lp[i][0] - uBase[layer][0];
                lpiPredicted[block[i]] = lp[i][1] - uBase[layer][1];
            }
            done += block.length;
            if (done >= topNeurons && done < total) {
                double nth = lpi[topIndices(lpi, topNeurons)[topNeurons - 1]];
                double rest = bound[order[done]];                    // the largest bound not projected
                if (nth > rest + BOUND_SLACK * (1 + Math.abs(rest))) {
                    break;
                }
            }
        }
        projectedNeurons += done;
        int[] top = topIndices(lpi, Math.min(topNeurons, done));
        List<NeuronScore> out = new ArrayList<>(top.length);
        for (int rank = 0; rank < top.length; rank++) {
            int i = top[rank];
            Segment g = segmentOf(segments, i);
            FfnPart p = g.part();
            int k = i - g.offset();
            out.add(new NeuronScore(g.layer(), p.expert(), p.type(), k, p.neurons().getDouble(k), p.gateWeight(), lpi[i],
                    lpiPredicted[i], rank + 1));
        }
        return out;
    }

    /**
     * Upper bounds of every neuron's target LPI (total): per part, (D · g_l) ⊙ gate·m with g_l the gain bound of its
     * layer's u_l; +∞ for all when the lens has no linear bound (soft-capped logits), so every neuron is projected.
     */
    private double[] bounds(List<Segment> segments, int total, double s, int target) {
        double[] out = new double[total];
        int layers = segments.isEmpty() ? 0 : segments.get(segments.size() - 1).layer() + 1;
        INDArray[] bases = new INDArray[layers];
        segments.forEach(g -> bases[g.layer()] = g.base().reshape(1, g.base().length()));
        INDArray g = projection.gainBound(Nd4j.vstack(bases), s, target);                           // (L, d)
        if (g == null) {
            Arrays.fill(out, Double.POSITIVE_INFINITY);
            return out;
        }
        for (Segment seg : segments) {
            INDArray direction = g.getRow(seg.layer()).reshape(g.size(1), 1);
            double[] b = seg.part().down().castTo(DataType.FLOAT).mmul(direction).muli(seg.coefficients())
                    .castTo(DataType.DOUBLE).toDoubleVector();                                      // (width)
            System.arraycopy(b, 0, out, seg.offset(), seg.width());
        }
        return out;
    }

    /** The neurons {@code indices} as rows u_l + gate·m_k·D[k, :], (indices, d), in the given order. */
    private static INDArray neuronRows(List<Segment> segments, int[] indices) {
        INDArray[] rows = new INDArray[indices.length];
        for (Segment g : segments) {
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < indices.length; i++) {
                if (indices[i] >= g.offset() && indices[i] < g.offset() + g.width()) {
                    at.add(i);
                }
            }
            if (at.isEmpty()) {
                continue;
            }
            int[] k = at.stream().mapToInt(i -> indices[i] - g.offset()).toArray();
            INDArray picked = g.part().down().getRows(k).castTo(DataType.FLOAT)
                    .mulColumnVector(g.coefficients().getRows(k)).addiRowVector(g.base());                                                   // (|at|, d)
            for (int j = 0; j < at.size(); j++) {
                rows[at.get(j)] = picked.getRow(j).reshape(1, picked.size(1));
            }
        }
        return Nd4j.vstack(rows);
    }

    /** Indices of {@code values} by descending value, equal values in index order. */
    private static int[] descending(double[] values) {
        return IntStream.range(0, values.length).boxed()
                .sorted((a, b) -> values[a] != values[b] ? Double.compare(values[b], values[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
    }

    private static Segment segmentOf(List<Segment> segments, int i) {
        for (Segment g : segments) {
            if (i < g.offset() + g.width()) {
                return g;
            }
        }
        throw new IllegalStateException("neuron row " + i + " beyond the segments");
    }

    /** The indices of the {@code n} largest values, largest first; equal values in index order. */
    static int[] topIndices(double[] values, int n) {
        int keep = Math.min(n, values.length);
        // min-heap of the best so far: worst on top (smaller value, or equal value and larger index)
        PriorityQueue<Integer> heap = new PriorityQueue<>(keep + 1, (a, b) -> values[a] != values[b]
                ? Double.compare(values[a], values[b]) : Integer.compare(b, a));
        for (int i = 0; i < values.length; i++) {
            heap.add(i);
            if (heap.size() > keep) {
                heap.poll();
            }
        }
        int[] top = new int[keep];
        for (int i = keep - 1; i >= 0; i--) {
            top[i] = heap.poll();
        }
        return top;
    }

    private static Score score(double[] base, double[] after) {
        return new Score(base[0], after[0], after[1] - base[1]);
    }

    private static LpiProjection.RowBlock stacked(List<INDArray> vectors) {
        return (from, to) -> Nd4j.vstack(vectors.subList(from, to).stream()
                .map(v -> v.reshape(1, v.length())).toArray(INDArray[]::new));
    }
}
