package org.neurosweep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
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
    private static final double DECODE_TARGET = 8;

    private final List<String> lines = new ArrayList<>();

    private RuntimeBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        RuntimeBenchmark report = new RuntimeBenchmark();
        report.run();
        String markdown = String.join("\n", report.lines) + "\n";
        System.out.print(markdown);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), markdown);
        }
    }

    private void run() throws IOException {
        line("### Machine");
        line("");
        MachineInfo.describe().forEach(m -> line("- " + m));

        progress("(a) GEMM");
        GemmBenchmark.Gemm square = GemmBenchmark.measure(2048, 2048, 2048, 5);
        GemmBenchmark.Gemm projection = GemmBenchmark.measure(1024, 768, 768, 10);
        GemmBenchmark.Gemm best = Stream.of(square, projection).max(Comparator.comparingDouble(GemmBenchmark.Gemm::flopRate))
                .orElseThrow();
        line("");
        line("### (a) GEMM, f-order operands into a preallocated f-order result in a workspace");
        line("");
        line("| product | best | median | GFLOP/s (best) |");
        line("|---|---|---|---|");
        for (GemmBenchmark.Gemm g : List.of(projection, square)) {
            line(fmt("| %d×%d · %d×%d | %.2f ms | %.2f ms | %.1f |", g.m(), g.k(), g.k(), g.n(), g.timing().best() * 1e3,
                    g.timing().median() * 1e3, g.flopRate() / 1e9));
        }

        RandomCheckpoint shape = RandomCheckpoint.llama110m();
        Path dir = Files.createTempDirectory("neurosweep-bench-llama");
        try {
            progress("(b) writing and loading a random " + shape.parameters() / 1_000_000 + "M-parameter Llama");
            CausalLM model = CausalLM.load(shape.writeTo(dir, 1));
            progress("(b) forward");
            forward(ForwardBenchmark.run(model, shape, BATCH, LENGTH, 3), shape, best);
            progress("(c) MoE");
            moe(MoeBenchmark.run(shape.d(), 16, 2, shape.ffn() / 2, BATCH, LENGTH, 5));
            progress("(d) generation with and without the KV cache");
            decode(DecodeBenchmark.run(model, LENGTH, 64));
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
        line("");
        line("Load average at the end: " + MachineInfo.loadAverage());
    }

    private void forward(ForwardBenchmark.Result r, RandomCheckpoint s, GemmBenchmark.Gemm best) {
        double fraction = r.flopRate() / best.flopRate();
        line("");
        line(fmt("### (b) Forward, Llama d=%d, %d layers, %d heads, ffn %d, vocab %d (%.1fM parameters), %d×%d tokens, fp32",
                s.d(), s.layers(), s.heads(), s.ffn(), s.vocab(), s.parameters() / 1e6, r.batch(), r.length()));
        line("");
        line(fmt("- time: %.2f s best, %.2f s median of 3 → **%.0f tokens/s**", r.timing().best(), r.timing().median(),
                r.tokensPerSecond()));
        line(fmt("- %.1f GFLOP per forward → %.1f GFLOP/s = **%.2f of the best GEMM** (%.1f GFLOP/s); target %.1f: %s",
                r.flops() / 1e9, r.flopRate() / 1e9, fraction, best.flopRate() / 1e9, FORWARD_TARGET,
                fraction >= FORWARD_TARGET ? "met" : "missed"));
        ForwardBenchmark.GemmFloor floor = r.gemmFloor();
        line(fmt("- GEMM floor: the same products as f-order GEMMs into preallocated results take %.2f s "
                + "(%.0f%% of the best forward): projections %.2f s, attention q·kᵀ and p·v %.2f s, lm head %.2f s",
                floor.total(), 100 * floor.total() / r.timing().best(), floor.projections(), floor.attention(),
                floor.head()));
        OpTimes p = r.profile();
        double matmul = p.of("matmul");
        double other = p.insideOps() - matmul;
        line("");
        line(fmt("Where the time goes (one forward under ND4J's op profiler, %.2f s):", p.wall()));
        line("");
        line("| part | seconds | share |");
        line("|---|---|---|");
        line(fmt("| matmul ops (projections, attention, lm head) | %.2f | %.0f%% |", matmul, 100 * matmul / p.wall()));
        line(fmt("| elementwise, reductions, copies (all other ops) | %.2f | %.0f%% |", other, 100 * other / p.wall()));
        line(fmt("| outside ops: allocation, Java, JNI | %.2f | %.0f%% |", p.wall() - p.insideOps(),
                100 * (p.wall() - p.insideOps()) / p.wall()));
        line("");
        line("By op: " + String.join(", ", p.ranked().entrySet().stream().limit(12)
                .map(e -> fmt("%s %.2f s", e.getKey(), e.getValue())).toList()));
    }

    private void moe(MoeBenchmark.Result r) {
        line("");
        line(fmt("### (c) MoE FFN, %d experts of width %d, top-%d, against a dense FFN of width %d, %d tokens",
                r.experts(), r.expertWidth(), r.topK(), r.topK() * r.expertWidth(), r.tokens()));
        line("");
        line(fmt("- MoE %.1f ms, dense %.1f ms (best of 5) → ratio **%.2f**; target ≤ %.1f: %s", r.moe().best() * 1e3,
                r.dense().best() * 1e3, r.ratio(), MOE_TARGET, r.ratio() <= MOE_TARGET ? "met" : "missed"));
    }

    private void decode(DecodeBenchmark.Result r) {
        line("");
        line(fmt("### (d) Greedy generation of %d tokens after a %d-token prompt, batch 1", r.newTokens(), r.context()));
        line("");
        line(fmt("- KV cache %.2f s (%.1f tokens/s, prefill included), recomputing the prefix %.2f s → **%.1f×**; target ≥ %.0f×: %s",
                r.cached(), r.newTokens() / r.cached(), r.recomputed(), r.speedup(), DECODE_TARGET,
                r.speedup() >= DECODE_TARGET ? "met" : "missed"));
    }

    private static void progress(String step) {
        System.err.println("bench: " + step + " (load average " + MachineInfo.loadAverage() + ")");
    }

    private void line(String s) {
        lines.add(s);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
