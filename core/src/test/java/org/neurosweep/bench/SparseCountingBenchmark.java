package org.neurosweep.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.neurosweep.methods.sparse.ActivationCriterion;
import org.neurosweep.methods.sparse.ComponentCounts;
import org.neurosweep.methods.sparse.ComponentLayout;
import org.neurosweep.methods.sparse.FrequencyCounter;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;

/**
 * SPARCOM's counting cost (issue 12): on the 110M runtime-benchmark shape, the throughput of
 * {@link FrequencyCounter} over a set of instruction-length sequences against plain prefill forwards of the same
 * micro-batches (right-padded, logits at the last token only). Target: counting at >= 0.7 of the plain tokens/s.
 * Also prints the bytes of the per-category counters of an 8B dense and a Mixtral-class MoE model.
 * Usage: scripts/bench/sparse-components [SEQUENCES] [MICRO_BATCH] [RUNS]
 */
public final class SparseCountingBenchmark {

    private SparseCountingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int sequences = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int microBatch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        RandomCheckpoint shape = RandomCheckpoint.llama110m();
        try (RandomCheckpoint.Scratch scratch = shape.writeToTemp()) {
            CausalLM model = CausalLM.load(scratch.dir());
            List<int[]> input = instructions(shape.vocab(), sequences);
            long tokens = input.stream().mapToLong(s -> s.length).sum();
            FrequencyCounter counter = new FrequencyCounter(model, ActivationCriterion.GATE, 0);
            long[] sink = new long[1];
            Timing[] t = Timing.interleaved(1, runs, () -> plain(model, input, microBatch),
                    () -> counter.count(input, microBatch, (i, c) -> sink[0] += c.tokens()));
            double plain = tokens / t[0].best();
            double counting = tokens / t[1].best();
            System.out.printf(Locale.ROOT, "%d sequences, %d tokens, micro-batch %d, best of %d%n", sequences, tokens,
                    microBatch, runs);
            System.out.printf(Locale.ROOT, "plain prefill:      %8.1f tokens/s (median %.3f s)%n", plain, t[0].median());
            System.out.printf(Locale.ROOT, "counting prefill:   %8.1f tokens/s (median %.3f s)%n", counting, t[1].median());
            System.out.printf(Locale.ROOT, "ratio:              %8.3f (target >= 0.7)%n", counting / plain);
            System.out.printf(Locale.ROOT, "counter of one pool: 110M %d B; 8B dense (32 x 14336) %d B; "
                    + "Mixtral-class (32 x 8 x 14336) %d B%n", counterBytes(ComponentLayout.of(model.config())),
                    4L * 32 * 14336, 4L * 32 * 8 * 14336);
        }
    }

    // the same micro-batches as the counter makes (shortest first), without hooks
    private static void plain(CausalLM model, List<int[]> input, int microBatch) {
        List<int[]> sorted = new ArrayList<>(input);
        sorted.sort(java.util.Comparator.comparingInt(s -> s.length));
        for (int from = 0; from < sorted.size(); from += microBatch) {
            Batch b = Batch.rightPadded(sorted.subList(from, Math.min(from + microBatch, sorted.size())), 0)
                    .logitsAt(LogitsAt.last());
            try (Forward ignored = model.forward(b)) {
                // prefill only
            }
        }
    }

    private static long counterBytes(ComponentLayout layout) {
        return 4L * new ComponentCounts(layout).active().length;
    }

    // instruction-like lengths: 32 to 160 tokens
    private static List<int[]> instructions(int vocab, int n) {
        Random random = new Random(12);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] s = new int[32 + random.nextInt(129)];
            for (int j = 0; j < s.length; j++) {
                s[j] = random.nextInt(vocab);
            }
            out.add(s);
        }
        return out;
    }
}
