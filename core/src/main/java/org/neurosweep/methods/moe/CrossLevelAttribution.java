package org.neurosweep.methods.moe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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
 * as [rows, d] × [d, V] GEMMs, never one vocabulary projection per neuron. Every projection stacks the rows of all
 * samples of the micro-batch ({@link ProjectionBatch}), so W_U is read once per block of rows, not per sample and level.
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
            List<Sample> samples = new ArrayList<>(batch.size());
            for (int r = 0; r < batch.size(); r++) {
                float[] real = logits.get(NDArrayIndex.point(r), NDArrayIndex.point(0), NDArrayIndex.all()).toFloatVector();
                samples.add(new Sample(from + r, targets[from + r], real, capture.finalResidual(captures, r),
                        capture.read(captures, r, batch.length(), last, headOutputs)));
            }
            out.addAll(score(samples));
        }
        return out;
    }

    /** One sample of a micro-batch: its output at t*, s*, the tokens read (target, top-1) and its components. */
    private final class Sample {
        final int index;
        final Output output;
        final INDArray finalResidual;
        final List<LayerComponents> layers;
        final double s;
        final int[] tokens;
        int[] layerRow;                   // row of levelRows holding h_l, u_l, h_l + a_l, u_l + f_l (each 0..L-1), h_L
        int distinctLayerRows;

        Sample(int index, int target, float[] real, INDArray finalResidual, List<LayerComponents> layers) {
            LensReadout readout = new LensReadout(real);
            int predicted = readout.topK(1)[0];
            this.index = index;
            this.output = new Output(target, predicted, NextToken.rank(real, target), readout.logProb(target));
            this.finalResidual = finalResidual;
            this.layers = layers;
            this.s = projection.finalScale(finalResidual);
            this.tokens = new int[] {target, predicted};
        }

        /**
         * Every level's rows but the neurons': the distinct vectors among h_l, u_l, h_l + a_l, u_l + f_l (every
         * layer) and h_L, then h_l + a_{l,h} for every head of every layer, then {@link #expertRows}. Where the
         * forward's residual stream is the plain sum, h_l + a_l is u_l and u_l + f_l is h_{l+1} bit for bit, and
         * each such vector is projected once; {@link #layerRow} says which row holds each of the 4L + 1.
         */
        INDArray levelRows() {
            int n = layers.size();
            List<INDArray> rows = new ArrayList<>();
            layerRow = new int[4 * n + 1];
            for (int l = 0; l < n; l++) {
                layerRow[l] = add(rows, layers.get(l).residPre());
            }
            layerRow[4 * n] = add(rows, finalResidual);
            for (int l = 0; l < n; l++) {
                layerRow[n + l] = add(rows, layers.get(l).residMid());
            }
            for (int l = 0; l < n; l++) {
                LayerComponents c = layers.get(l);
                INDArray v = c.residPre().add(c.attention());
                layerRow[2 * n + l] = same(v, c.residMid()) ? layerRow[n + l] : add(rows, v);
            }
            for (int l = 0; l < n; l++) {
                LayerComponents c = layers.get(l);
                INDArray v = c.residMid().add(c.ffn());
                INDArray next = l + 1 < n ? layers.get(l + 1).residPre() : finalResidual;
                layerRow[3 * n + l] = same(v, next) ? layerRow[l + 1 < n ? l + 1 : 4 * n] : add(rows, v);
            }
            distinctLayerRows = rows.size();
            List<INDArray> blocks = new ArrayList<>();
            blocks.add(Nd4j.vstack(rows.stream().map(v -> v.reshape(1, v.length())).toArray(INDArray[]::new)));
            layers.forEach(c -> blocks.add(c.heads().addRowVector(c.residPre())));                  // (H, d) each
            expertRows().forEach(v -> blocks.add(v.reshape(1, v.length())));
            return Nd4j.concat(0, blocks.toArray(new INDArray[0]));
        }

        /** u_l + output of every scored expert (the selected routed ones and the shared one), layer by layer. */
        List<INDArray> expertRows() {
            List<INDArray> rows = new ArrayList<>();
            for (LayerComponents c : layers) {
                for (FfnPart part : c.parts()) {
                    if (part.type() != ExpertType.DENSE) {
                        rows.add(c.residMid().add(part.output()));
                    }
                }
            }
            return rows;
        }
    }

    // every level of every sample of a micro-batch: the layer, head and expert rows of all samples in one projection,
    // then the neuron searches side by side
    private List<SampleAttribution> score(List<Sample> samples) {
        ProjectionBatch levels = new ProjectionBatch();
        samples.forEach(x -> levels.add(x.levelRows(), x.s, x.tokens));
        double[][][] lp = levels.project(projection);
        List<double[][]> uBases = new ArrayList<>();
        double[][][] layerLp = new double[samples.size()][][];                      // [sample][4L + 1][tokens]
        for (int i = 0; i < samples.size(); i++) {
            int[] at = samples.get(i).layerRow;
            layerLp[i] = new double[at.length][];
            for (int j = 0; j < at.length; j++) {
                layerLp[i][j] = lp[i][at[j]];
            }
            int n = samples.get(i).layers.size();
            uBases.add(Arrays.copyOfRange(layerLp[i], n, 2 * n));
        }
        List<List<NeuronScore>> neurons = neurons(samples, uBases);
        List<SampleAttribution> out = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            Sample x = samples.get(i);
            int n = x.layers.size();
            double[][] hBase = Arrays.copyOfRange(layerLp[i], 0, n);
            double[][] uBase = uBases.get(i);
            List<LayerScore> layerScores = new ArrayList<>();
            for (int l = 0; l < n; l++) {
                layerScores.add(new LayerScore(l, Sublayer.ATTN, score(hBase[l], layerLp[i][2 * n + l])));
                layerScores.add(new LayerScore(l, Sublayer.FFN, score(uBase[l], layerLp[i][3 * n + l])));
            }
            int headsFrom = x.distinctLayerRows;
            int heads = (int) x.layers.get(0).heads().size(0);
            int expertsFrom = headsFrom + n * heads;
            out.add(new SampleAttribution(x.index, x.output, x.s, layerLp[i][4 * n][0], layerLp[i][0][0], layerScores,
                    heads(hBase, Arrays.copyOfRange(lp[i], headsFrom, expertsFrom), heads),
                    experts(x.layers, uBase, Arrays.copyOfRange(lp[i], expertsFrom, lp[i].length)),
                    neurons.get(i)));
        }
        return out;
    }

    // c = a_{l,h} on h_l, every head of every layer; lp: the head rows' log-probabilities, layer by layer
    private static List<HeadScore> heads(double[][] hBase, double[][] lp, int heads) {
        List<HeadScore> out = new ArrayList<>();
        for (int i = 0; i < lp.length; i++) {
            out.add(new HeadScore(i / heads, i % heads, score(hBase[i / heads], lp[i])));
        }
        return out;
    }

    // routed experts (every expert of each MoE layer, scored when selected) and the shared expert, c on u_l
    // lp: the log-probabilities of Sample#expertRows, in that order
    private static List<ExpertScore> experts(List<LayerComponents> layers, double[][] uBase, double[][] lp) {
        List<int[]> where = new ArrayList<>();  // {layer, part index}
        for (int l = 0; l < layers.size(); l++) {
            List<FfnPart> parts = layers.get(l).parts();
            for (int i = 0; i < parts.size(); i++) {
                if (parts.get(i).type() != ExpertType.DENSE) {
                    where.add(new int[] {l, i});
                }
            }
        }
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
     * Every neuron of every FFN part, c = gate · m_k · D[:, k] on u_l; per sample the top N by target LPI, best first.
     * Exact and pruned: each neuron's LPI is bounded above by the linear bound of {@link LpiProjection#gainBound}
     * (one (L, d) direction per sample, all samples' in one product; then {@link #bounds}, one product per down
     * projection), each sample's neurons are projected in descending order of that bound, block by block, and a sample's search
     * stops once its N-th best exact LPI exceeds the bound of every neuron not yet projected (plus
     * {@link #BOUND_SLACK} for fp32 rounding): the first block is the N best bounds, each later one exactly the
     * neurons whose bound the N-th best exact LPI so far does not beat. The result is the same top N as projecting
     * every neuron; only the number of [rows, d] × [d, V] GEMM rows differs. The samples search side by side: each
     * round stacks the next block of every sample still searching into one projection.
     */
    private List<List<NeuronScore>> neurons(List<Sample> samples, List<double[][]> uBases) {
        if (topNeurons == 0) {
            return samples.stream().map(x -> List.<NeuronScore>of()).toList();
        }
        INDArray[] bases = new INDArray[samples.size()];
        double[] scales = new double[samples.size() * samples.get(0).layers.size()];
        int[] targets = new int[scales.length];
        for (int i = 0, row = 0; i < samples.size(); i++) {
            Sample x = samples.get(i);
            bases[i] = Nd4j.vstack(x.layers.stream().map(c -> c.residMid().reshape(1, c.residMid().length()))
                    .toArray(INDArray[]::new));                                                       // (L, d)
            for (int l = 0; l < x.layers.size(); l++, row++) {
                scales[row] = x.s;
                targets[row] = x.tokens[0];
            }
        }
        INDArray g = projection.gainBound(Nd4j.concat(0, bases), scales, targets);               // (samples·L, d)
        List<NeuronSearch> searches = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            searches.add(new NeuronSearch(samples.get(i), uBases.get(i)));
        }
        double[][] bounds = bounds(searches, g);
        for (int i = 0; i < searches.size(); i++) {
            searches.get(i).order(bounds[i]);
        }
        while (true) {
            ProjectionBatch round = new ProjectionBatch();
            List<NeuronSearch> active = new ArrayList<>();
            List<int[]> blocks = new ArrayList<>();
            for (NeuronSearch search : searches) {
                int[] block = search.nextBlock();
                if (block.length > 0) {
                    round.add(search.rows(block), search.sample.s, search.sample.tokens);
                    active.add(search);
                    blocks.add(block);
                }
            }
            if (round.isEmpty()) {
                break;
            }
            double[][][] lp = round.project(projection);
            for (int i = 0; i < active.size(); i++) {
                active.get(i).accept(blocks.get(i), lp[i]);
            }
        }
        return searches.stream().map(NeuronSearch::top).toList();
    }

    /** One sample's pruned search over its neurons: the bound order, the exact LPIs so far, when to stop. */
    private final class NeuronSearch {
        final Sample sample;
        private final double[][] uBase;
        private final List<Segment> segments = new ArrayList<>();
        private double[] bound;
        private int[] order;
        private final double[] lpi;
        private final double[] lpiPredicted;
        private int done;
        private int pending;                                          // neurons still to project after done
        private boolean finished;

        NeuronSearch(Sample sample, double[][] uBase) {
            this.sample = sample;
            this.uBase = uBase;
            int total = 0;
            for (int l = 0; l < sample.layers.size(); l++) {
                for (FfnPart part : sample.layers.get(l).parts()) {
                    int width = (int) part.neurons().length();
                    INDArray coefficients = part.neurons().mul(part.gateWeight()).reshape(width, 1);
                    segments.add(new Segment(l, part, sample.layers.get(l).residMid(), coefficients, total, width));
                    total += width;
                }
            }
            lpi = new double[total];
            lpiPredicted = new double[total];
            Arrays.fill(lpi, Double.NEGATIVE_INFINITY);                // not projected
        }

        int neurons() {
            return lpi.length;
        }

        /** Sets every neuron's LPI bound (neurons) and so the search order. */
        void order(double[] bound) {
            this.bound = bound;
            this.order = descending(bound);
        }

        /**
         * The neurons to project next, best bound first, at most {@link LpiProjection#rowsPerBlock} of them; empty
         * once the search is over. First the N best bounds; then exactly the neurons whose bound still exceeds the
         * N-th best exact LPI found so far (the only ones that could enter the top N).
         */
        int[] nextBlock() {
            if (finished || done >= order.length) {
                return new int[0];
            }
            long want = done < topNeurons ? (long) topNeurons - done : pending;
            int size = (int) Math.min(projection.rowsPerBlock(), Math.min(want, order.length - done));
            int[] block = Arrays.copyOfRange(order, done, done + size);
            Arrays.sort(block);                                              // grouped by FFN part, for rows()
            return block;
        }

        /** The neurons {@code indices} (ascending) as rows u_l + gate·m_k·D[k, :], (indices, d), in that order. */
        INDArray rows(int[] indices) {
            List<INDArray> parts = new ArrayList<>();
            int i = 0;
            for (Segment g : segments) {
                int j = i;
                while (j < indices.length && indices[j] < g.offset() + g.width()) {
                    j++;
                }
                if (j > i) {
                    int[] k = Arrays.stream(indices, i, j).map(x -> x - g.offset()).toArray();
                    parts.add(g.part().down().getRows(k).castTo(DataType.FLOAT)
                            .mulColumnVector(g.coefficients().getRows(k)).addiRowVector(g.base()));  // (j - i, d)
                }
                i = j;
            }
            return parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(new INDArray[0]));
        }

        /** Takes the exact log-probabilities {@code lp} (block, tokens) of {@code block}; decides whether to go on. */
        void accept(int[] block, double[][] lp) {
            for (int i = 0; i < block.length; i++) {
                int layer = segmentOf(segments, block[i]).layer();
                lpi[block[i]] = lp[i][0] - uBase[layer][0];
                lpiPredicted[block[i]] = lp[i][1] - uBase[layer][1];
            }
            done += block.length;
            projectedNeurons += block.length;
            if (done >= topNeurons) {
                // the neurons not yet projected whose bound the N-th best exact LPI does not beat: a prefix of the order
                double nth = lpi[topIndices(lpi, topNeurons)[topNeurons - 1]];
                pending = 0;
                while (done + pending < order.length && !beats(nth, bound[order[done + pending]])) {
                    pending++;
                }
                finished = pending == 0;
            }
        }

        List<NeuronScore> top() {
            int[] top = topIndices(lpi, Math.min(topNeurons, done));
            List<NeuronScore> out = new ArrayList<>(top.length);
            for (int rank = 0; rank < top.length; rank++) {
                int i = top[rank];
                Segment g = segmentOf(segments, i);
                FfnPart p = g.part();
                int k = i - g.offset();
                out.add(new NeuronScore(g.layer(), p.expert(), p.type(), k, p.neurons().getDouble(k), p.gateWeight(),
                        lpi[i], lpiPredicted[i], rank + 1));
            }
            return out;
        }
    }

    /**
     * Upper bounds of every neuron's target LPI, [search][neuron]: per FFN part, (D · g_l) ⊙ gate·m with g_l the gain
     * bound of its layer's u_l (row sample·L + l of {@code g}); the parts of all samples that share a down
     * projection D (the same expert, or a dense FFN) take one (width, d) × (d, samples) product. +∞ for all when the
     * lens has no linear bound ({@code g} null: soft-capped logits), so every neuron is projected.
     */
    private static double[][] bounds(List<NeuronSearch> searches, INDArray g) {
        double[][] out = new double[searches.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new double[searches.get(i).neurons()];
            if (g == null) {
                Arrays.fill(out[i], Double.POSITIVE_INFINITY);
            }
        }
        if (g == null) {
            return out;
        }
        Map<INDArray, List<int[]>> byDown = new IdentityHashMap<>();                         // D → {search, segment}
        for (int i = 0; i < out.length; i++) {
            List<Segment> segments = searches.get(i).segments;
            for (int j = 0; j < segments.size(); j++) {
                byDown.computeIfAbsent(segments.get(j).part().down(), k -> new ArrayList<>()).add(new int[] {i, j});
            }
        }
        for (Map.Entry<INDArray, List<int[]>> e : byDown.entrySet()) {
            List<int[]> uses = e.getValue();
            int[] rows = new int[uses.size()];
            for (int u = 0; u < rows.length; u++) {
                NeuronSearch search = searches.get(uses.get(u)[0]);
                rows[u] = uses.get(u)[0] * search.sample.layers.size() + search.segments.get(uses.get(u)[1]).layer();
            }
            INDArray dg = e.getKey().castTo(DataType.FLOAT).mmul(g.getRows(rows).transpose());      // (width, uses)
            for (int u = 0; u < rows.length; u++) {
                Segment seg = searches.get(uses.get(u)[0]).segments.get(uses.get(u)[1]);
                double[] b = dg.getColumn(u).castTo(DataType.DOUBLE).toDoubleVector();
                double[] c = seg.coefficients().castTo(DataType.DOUBLE).toDoubleVector();
                for (int k = 0; k < b.length; k++) {
                    out[uses.get(u)[0]][seg.offset() + k] = b[k] * c[k];
                }
            }
        }
        return out;
    }

    // appends v as a row; returns its index
    private static int add(List<INDArray> rows, INDArray v) {
        rows.add(v);
        return rows.size() - 1;
    }

    private static boolean same(INDArray a, INDArray b) {
        return Arrays.equals(a.castTo(DataType.FLOAT).toFloatVector(), b.castTo(DataType.FLOAT).toFloatVector());
    }

    /** Whether an exact LPI rules out every neuron of that bound, with {@link #BOUND_SLACK} for fp32 rounding. */
    private static boolean beats(double lpi, double bound) {
        return lpi > bound + BOUND_SLACK * (1 + Math.abs(bound));
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
}
