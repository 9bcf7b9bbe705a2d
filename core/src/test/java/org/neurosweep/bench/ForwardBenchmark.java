package org.neurosweep.bench;

import java.util.Random;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;

/**
 * One full forward pass (logits at every position) of a batch of random tokens: its speed, its FLOP rate and, from
 * a profiled pass ({@link #profile}), where the time goes; plus the GEMM floor, the time the same matrix products
 * take the fast way.
 */
final class ForwardBenchmark {

    /** Seconds the forward's matrix products take as f-order GEMMs into preallocated results, by kind. */
    record GemmFloor(double projections, double attention, double head) {
        double total() {
            return projections + attention + head;
        }
    }

    record Result(int batch, int length, double flops, Timing timing, GemmFloor gemmFloor) {
        double tokensPerSecond() {
            return batch * length / timing.best();
        }

        double flopRate() {
            return flops / timing.best();
        }
    }

    private ForwardBenchmark() {
    }

    static Result run(CausalLM model, RandomCheckpoint shape, int batch, int length, int runs) {
        return new Result(batch, length, flops(shape, batch, length), time(model, shape, batch, length, runs),
                gemmFloor(shape, batch, length));
    }

    /** The forward's timing alone (best and median of {@code runs} after one warm-up). */
    static Timing time(CausalLM model, RandomCheckpoint shape, int batch, int length, int runs) {
        Batch input = randomBatch(shape.vocab(), batch, length);
        return Timing.of(1, runs, () -> {
            try (Forward ignored = model.forward(input)) {
                // the logits are computed; nothing to read
            }
        });
    }

    /**
     * Where one forward's time goes, from ND4J's op profiler. Run it after every timing: once enabled, the profiler
     * leaves per-op overhead behind in the process (measured: an op-heavy MoE layer 20% slower afterwards).
     */
    static OpTimes profile(CausalLM model, RandomCheckpoint shape, int batch, int length) {
        Batch input = randomBatch(shape.vocab(), batch, length);
        return OpTimes.profile(() -> {
            try (Forward ignored = model.forward(input)) {
                // the logits are computed; nothing to read
            }
        });
    }

    /** 2 FLOPs per multiply-add: every projection for every token, plus q·kᵀ and p·v over all t × t pairs. */
    static double flops(RandomCheckpoint s, int batch, int length) {
        double tokens = (double) batch * length;
        return 2 * tokens * s.matmulParameters() + 4.0 * s.layers() * batch * length * length * s.d();
    }

    // the forward's products at their shapes, each timed the fast way, times how often the forward does them
    private static GemmFloor gemmFloor(RandomCheckpoint s, int batch, int length) {
        int n = batch * length;
        int dh = s.d() / s.heads();
        double projections = fastest(n, s.d(), s.heads() * dh) + 2 * fastest(n, s.d(), s.kvHeads() * dh)
                + fastest(n, s.heads() * dh, s.d()) + 2 * fastest(n, s.d(), s.ffn()) + fastest(n, s.ffn(), s.d());
        double attention = (double) batch * s.heads() * (fastest(length, dh, length) + fastest(length, length, dh));
        return new GemmFloor(s.layers() * projections, s.layers() * attention, fastest(n, s.d(), s.vocab()));
    }

    private static double fastest(int m, int k, int n) {
        return GemmBenchmark.measure(m, k, n, 3).timing().best();
    }

    static Batch randomBatch(int vocab, int batch, int length) {
        Random random = new Random(17);
        int[][] rows = new int[batch][length];
        for (int[] row : rows) {
            for (int j = 0; j < length; j++) {
                row[j] = random.nextInt(vocab);
            }
        }
        return Batch.of(rows);
    }
}
