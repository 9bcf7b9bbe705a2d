package org.neurosweep.bench;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.neurosweep.model.CausalLM;

/**
 * The runtime benchmark (scripts/bench/runtime): (a) the best ND4J GEMM, (b) the forward of a random ~110M Llama
 * over 4 × 256 tokens with a breakdown of its time, (c) a 16-expert top-2 MoE FFN against the dense FFN of the same
 * active parameters, (d) 64 greedy tokens after 256 with and without the KV cache. Prints a Markdown report;
 * writes it also to the file given as the first argument.
 */
public final class RuntimeBenchmark {
    private static final int BATCH = 4;
    private static final int LENGTH = 256;
    private static final double FORWARD_TARGET = 0.6;
    private static final double MOE_TARGET = 1.5;
    private static final int MOE_RUNS = 15;
    private static final double DECODE_TARGET = 8;

    private final Report report = new Report();

    private RuntimeBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        RuntimeBenchmark bench = new RuntimeBenchmark();
        bench.run();
        bench.report.finish(args);
    }

    private void run() throws IOException {
        Report.progress("(a) GEMM");
        GemmBenchmark.Gemm square = GemmBenchmark.measure(2048, 2048, 2048, 5);
        GemmBenchmark.Gemm projection = GemmBenchmark.measure(1024, 768, 768, 10);
        GemmBenchmark.Gemm best = Stream.of(square, projection).max(Comparator.comparingDouble(GemmBenchmark.Gemm::flopRate))
                .orElseThrow();
        report.section("(a) GEMM, f-order operands into a preallocated f-order result in a workspace");
        report.line("| product | best | median | GFLOP/s (best) |");
        report.line("|---|---|---|---|");
        for (GemmBenchmark.Gemm g : List.of(projection, square)) {
            report.line(Report.fmt("| %d×%d · %d×%d | %.2f ms | %.2f ms | %.1f |", g.m(), g.k(), g.k(), g.n(), g.timing().best() * 1e3,
                    g.timing().median() * 1e3, g.flopRate() / 1e9));
        }

        RandomCheckpoint shape = RandomCheckpoint.llama110m();
        try (RandomCheckpoint.Scratch scratch = shape.writeToTemp()) {
            Report.progress("(b) writing and loading a random " + shape.parameters() / 1_000_000 + "M-parameter Llama");
            CausalLM model = CausalLM.load(scratch.dir());
            Report.progress("(b) forward");
            ForwardBenchmark.Result forward = ForwardBenchmark.run(model, shape, BATCH, LENGTH, 3);
            Report.progress("(c) MoE");
            MoeBenchmark.Result moe = MoeBenchmark.run(shape.d(), 16, 2, shape.ffn() / 2, BATCH, LENGTH, MOE_RUNS);
            Report.progress("(d) generation with and without the KV cache");
            DecodeBenchmark.Result decode = DecodeBenchmark.run(model, LENGTH, 64);
            Report.progress("(b) a profiled forward, last: the profiler slows later ops");
            forward(forward, ForwardBenchmark.profile(model, shape, BATCH, LENGTH), shape, best);
            moe(moe);
            decode(decode);
        }
    }

    private void forward(ForwardBenchmark.Result r, OpTimes p, RandomCheckpoint s, GemmBenchmark.Gemm best) {
        double fraction = r.flopRate() / best.flopRate();
        report.section(Report.fmt("(b) Forward, Llama d=%d, %d layers, %d heads, ffn %d, vocab %d (%.1fM parameters), %d×%d tokens, fp32",
                s.d(), s.layers(), s.heads(), s.ffn(), s.vocab(), s.parameters() / 1e6, r.batch(), r.length()));
        report.line(Report.fmt("- time: %.2f s best, %.2f s median of 3 → **%.0f tokens/s**", r.timing().best(), r.timing().median(),
                r.tokensPerSecond()));
        report.line(Report.fmt("- %.1f GFLOP per forward → %.1f GFLOP/s = **%.2f of the best GEMM** (%.1f GFLOP/s); target %.1f: %s",
                r.flops() / 1e9, r.flopRate() / 1e9, fraction, best.flopRate() / 1e9, FORWARD_TARGET,
                Report.verdict(fraction >= FORWARD_TARGET)));
        ForwardBenchmark.GemmFloor floor = r.gemmFloor();
        report.line(Report.fmt("- GEMM floor: the same products as f-order GEMMs into preallocated results take %.2f s "
                + "(%.0f%% of the best forward): projections %.2f s, attention q·kᵀ and p·v %.2f s, lm head %.2f s",
                floor.total(), 100 * floor.total() / r.timing().best(), floor.projections(), floor.attention(),
                floor.head()));
        double matmul = p.of("matmul");
        double other = p.insideOps() - matmul;
        report.line("");
        report.line(Report.fmt("Where the time goes (one forward under ND4J's op profiler, %.2f s):", p.wall()));
        report.line("");
        report.line("| part | seconds | share |");
        report.line("|---|---|---|");
        report.line(Report.fmt("| matmul ops (projections, attention, lm head) | %.2f | %.0f%% |", matmul, 100 * matmul / p.wall()));
        report.line(Report.fmt("| elementwise, reductions, copies (all other ops) | %.2f | %.0f%% |", other, 100 * other / p.wall()));
        report.line(Report.fmt("| outside ops: allocation, Java, JNI | %.2f | %.0f%% |", p.wall() - p.insideOps(),
                100 * (p.wall() - p.insideOps()) / p.wall()));
        report.line("");
        report.line("By op: " + String.join(", ", p.ranked().entrySet().stream().limit(12)
                .map(e -> Report.fmt("%s %.2f s", e.getKey(), e.getValue())).toList()));
    }

    private void moe(MoeBenchmark.Result r) {
        report.section(Report.fmt("(c) MoE FFN, %d experts of width %d, top-%d, against a dense FFN of width %d, %d tokens",
                r.experts(), r.expertWidth(), r.topK(), r.topK() * r.expertWidth(), r.tokens()));
        report.line(Report.fmt("- MoE %.1f ms, dense %.1f ms (best of %d, run in turn) → ratio **%.2f**; target ≤ %.1f: %s", r.moe().best() * 1e3,
                r.dense().best() * 1e3, MOE_RUNS, r.ratio(), MOE_TARGET, Report.verdict(r.ratio() <= MOE_TARGET)));
    }

    private void decode(DecodeBenchmark.Result r) {
        report.section(Report.fmt("(d) Greedy generation of %d tokens after a %d-token prompt, batch 1", r.newTokens(), r.context()));
        report.line(Report.fmt("- KV cache %.2f s (best of 3 after a warm-up run; %.1f tokens/s, prefill included), recomputing the prefix %.2f s → **%.1f×**; target ≥ %.0f×: %s",
                r.cached(), r.newTokens() / r.cached(), r.recomputed(), r.speedup(), DECODE_TARGET,
                Report.verdict(r.speedup() >= DECODE_TARGET)));
    }

}
