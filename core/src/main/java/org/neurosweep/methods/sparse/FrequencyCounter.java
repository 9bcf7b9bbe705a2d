package org.neurosweep.methods.sparse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.hook.Captures;
import org.neurosweep.hook.HookContext;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Hooks;
import org.neurosweep.hook.Layout;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;

/**
 * Counts, in prefill forwards, how often every FFN neuron is active and every expert is routed on the tokens of each
 * sequence (SPARCOM Stage 1, docs/methods/sparcom.md). Sequences run in right-padded micro-batches of similar length with
 * logits at the last token only. At each neuron block's hook ({@link ActivationCriterion}) an identity intervention
 * turns the activation into 0/1 with one {@code step} op and sums it per sequence with one GEMM,
 * {@code counts (b, W) = M (b, rows) · step(A) (rows, W)}, where M maps activation rows (tokens, or the tokens routed
 * to an expert) to their sequence and zeroes padding; routing ids and weights and the shared expert's gate are
 * captured (b, t, k) and tallied per token. Padding never counts. Safe to use from one thread at a time.
 */
public final class FrequencyCounter {
    private final CausalLM model;
    private final ComponentLayout layout;
    private final ActivationCriterion criterion;
    private final int padId;

    public FrequencyCounter(CausalLM model, ActivationCriterion criterion, int padId) {
        this.model = model;
        this.layout = ComponentLayout.of(model.config());
        this.criterion = criterion;
        this.padId = padId;
    }

    public ComponentLayout layout() {
        return layout;
    }

    /** Receives one sequence's counts: its index in the list given, and the counts (the receiver may keep them). */
    @FunctionalInterface
    public interface Sink {
        void accept(int sequence, ComponentCounts counts);
    }

    /**
     * Counts over each sequence's tokens, handed to {@code sink} micro-batch by micro-batch (shortest sequences first),
     * so that only one micro-batch of counters is alive at a time; an empty sequence gets zero counts.
     */
    public void count(List<int[]> sequences, int microBatch, Sink sink) {
        if (microBatch < 1) {
            throw new IllegalArgumentException("micro-batch must be >= 1, got " + microBatch);
        }
        int[] order = IntStream.range(0, sequences.size()).boxed()
                .sorted(Comparator.comparingInt(i -> sequences.get(i).length)).mapToInt(Integer::intValue).toArray();
        int from = 0;
        while (from < order.length && sequences.get(order[from]).length == 0) {
            sink.accept(order[from++], new ComponentCounts(layout));
        }
        for (; from < order.length; from += microBatch) {
            int[] rows = Arrays.copyOfRange(order, from, Math.min(from + microBatch, order.length));
            List<int[]> batch = new ArrayList<>(rows.length);
            for (int r : rows) {
                batch.add(sequences.get(r));
            }
            ComponentCounts[] counts = countBatch(Batch.rightPadded(batch, padId).logitsAt(LogitsAt.last()));
            for (int k = 0; k < rows.length; k++) {
                sink.accept(rows[k], counts[k]);
            }
        }
    }

    private ComponentCounts[] countBatch(Batch batch) {
        Tally tally = new Tally(batch);
        Hooks hooks = new Hooks();
        for (ComponentLayout.Block block : layout.blocks()) {
            hooks.intervene(criterion.hook(block), (v, ctx) -> {
                tally.neurons(block, v.value(), ctx);
                return v;
            });
        }
        int[] expertBase = new int[layout.layers()];
        Arrays.fill(expertBase, -1);
        for (ComponentLayout.Expert e : layout.experts()) {
            if (expertBase[e.layer()] < 0) {
                expertBase[e.layer()] = e.index();
                hooks.capture(HookNames.routing(e.layer()));
            }
        }
        List<Integer> sharedLayers = layout.blocks().stream().filter(b -> b.expert() == ComponentLayout.SHARED)
                .map(ComponentLayout.Block::layer).toList();
        sharedLayers.forEach(l -> hooks.capture(HookNames.sharedGate(l)));
        try (Forward f = model.forward(batch, hooks, null)) {
            Captures c = f.captures();
            for (int l = 0; l < layout.layers(); l++) {
                if (expertBase[l] >= 0) {
                    Captures.ExpertRouting r = c.routing(HookNames.routing(l));
                    tally.routing(expertBase[l], r.ids().dup('c').data().asInt(), r.weights().dup('c').data().asFloat(),
                            (int) r.ids().size(2));
                }
            }
            for (int l : sharedLayers) {
                tally.sharedGate(l, c.get(HookNames.sharedGate(l)).dup('c').data().asFloat());
            }
        }
        return tally.counts;
    }

    /** The counts of one micro-batch, filled by the hooks of its forward. */
    private final class Tally {
        final Batch batch;
        final ComponentCounts[] counts;
        /** (b, b·t): row r has 1 at the flat indices of r's real tokens. */
        final INDArray tokenRows;

        Tally(Batch batch) {
            this.batch = batch;
            int b = batch.size();
            int t = batch.length();
            counts = new ComponentCounts[b];
            float[] m = new float[b * b * t];
            for (int r = 0; r < b; r++) {
                counts[r] = new ComponentCounts(layout);
                counts[r].addTokens(batch.realTokens(r));
                for (int j = 0; j < t; j++) {
                    m[r * b * t + r * t + j] = batch.isReal(r, j) ? 1f : 0f;
                }
            }
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                tokenRows = Nd4j.create(m, new long[] {b, (long) b * t}, 'c');
            }
        }

        // activation (b, t, W) or routed (R, W) → per sequence, how many of its real tokens have step(a) = 1
        void neurons(ComponentLayout.Block block, INDArray activation, HookContext ctx) {
            INDArray rows = activation.rank() == 3
                    ? activation.reshape('c', activation.size(0) * activation.size(1), activation.size(2))
                    : activation;
            INDArray owners = ctx.layout() == Layout.ROUTED ? routedRows(ctx) : tokenRows;
            INDArray active = Transforms.step(rows, true);
            float[][] sums = owners.castTo(active.dataType()).mmul(active).toFloatMatrix();      // (b, W)
            for (int r = 0; r < sums.length; r++) {
                for (int k = 0; k < block.width(); k++) {
                    counts[r].addActive(block.offset() + k, Math.round(sums[r][k]));
                }
            }
        }

        // (b, R): routed row i belongs to sequence tokenOf(i) / t, if that token is real
        INDArray routedRows(HookContext ctx) {
            int b = batch.size();
            int t = batch.length();
            int n = ctx.routedRows();
            float[] m = new float[b * n];
            for (int i = 0; i < n; i++) {
                int token = ctx.tokenOf(i);
                if (batch.isReal(token / t, token % t)) {
                    m[(token / t) * n + i] = 1f;
                }
            }
            return Nd4j.create(m, new long[] {b, n}, 'c');
        }

        // ids, weights: (b, t, k) flattened c-order
        void routing(int expertBase, int[] ids, float[] weights, int k) {
            int t = batch.length();
            for (int r = 0; r < batch.size(); r++) {
                for (int j = 0; j < t; j++) {
                    if (!batch.isReal(r, j)) {
                        continue;
                    }
                    for (int s = 0; s < k; s++) {
                        int slot = (r * t + j) * k + s;
                        counts[r].addRouted(expertBase + ids[slot], weights[slot]);
                    }
                }
            }
        }

        // gate: (b, t, 1) flattened
        void sharedGate(int layer, float[] gate) {
            int t = batch.length();
            for (int r = 0; r < batch.size(); r++) {
                for (int j = 0; j < t; j++) {
                    if (batch.isReal(r, j)) {
                        counts[r].addSharedGate(layer, gate[r * t + j]);
                    }
                }
            }
        }
    }
}
