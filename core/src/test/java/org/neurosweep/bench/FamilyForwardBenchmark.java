package org.neurosweep.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.neurosweep.model.CausalLM;

/**
 * The forward of the runtime benchmark's 110M shape as a Llama, a Gemma-2 (soft-capping, sandwich norms, 1 + w
 * norms, GeGLU, alternating sliding layers) and a BERT masked LM (bidirectional, post-LN, biases, MLM head), 4 × 256
 * tokens each, against the best GEMM of the same run timed just before it (so that a shared machine's changing load
 * touches both alike), then one profiled forward of each (scripts/bench/families).
 * Prints a Markdown report; writes it also to the file given as the first argument.
 */
public final class FamilyForwardBenchmark {
    private static final int BATCH = 4;
    private static final int LENGTH = 256;
    private static final int RUNS = 3;
    private static final double TARGET = 0.5;
    private static final List<String> FAMILIES = List.of("llama", "gemma2", "bert");

    private FamilyForwardBenchmark() {
    }

    // the faster of a square and the 110M shape's projection GEMM, timed now
    private static GemmBenchmark.Gemm bestGemm() {
        Report.progress("GEMM");
        return Stream.of(GemmBenchmark.measure(2048, 2048, 2048, 3), GemmBenchmark.measure(1024, 768, 768, 10))
                .max(Comparator.comparingDouble(GemmBenchmark.Gemm::flopRate)).orElseThrow();
    }

    public static void main(String[] args) throws IOException {
        Report report = new Report();
        report.section(Report.fmt("Forward of 110M-parameter shapes by family, %d×%d tokens, fp32, each against the best "
                + "GEMM timed just before it (the machine may be shared: the load changes between families)", BATCH, LENGTH));
        report.line("| family | parameters | best | median | tokens/s | GFLOP/s | best GEMM before it | of that GEMM | of llama's tokens/s |");
        report.line("|---|---|---|---|---|---|---|---|---|");
        List<RandomCheckpoint.Scratch> folders = new ArrayList<>();
        List<CausalLM> models = new ArrayList<>();
        double llama = Double.NaN;
        try {
            for (String family : FAMILIES) {
                RandomCheckpoint shape = RandomCheckpoint.sized110m(family);
                folders.add(shape.writeToTemp());
                Report.progress(family + ": loading");
                CausalLM model = CausalLM.load(folders.get(folders.size() - 1).dir());
                models.add(model);
                GemmBenchmark.Gemm best = bestGemm();
                Report.progress(family + ": timing");
                Timing t = ForwardBenchmark.time(model, shape, BATCH, LENGTH, RUNS);
                double rate = ForwardBenchmark.flops(shape, BATCH, LENGTH) / t.best();
                double fraction = rate / best.flopRate();
                double tokens = BATCH * LENGTH / t.best();
                llama = family.equals("llama") ? tokens : llama;
                report.line(Report.fmt("| %s | %.1fM | %.2f s | %.2f s | %.0f | %.1f | %.1f GFLOP/s (%d×%d·%d×%d) | **%.2f** "
                                + "(target %.1f: %s) | %.2f |", family, shape.parameters() / 1e6, t.best(), t.median(), tokens,
                        rate / 1e9, best.flopRate() / 1e9, best.m(), best.k(), best.k(), best.n(), fraction, TARGET,
                        Report.verdict(fraction >= TARGET), tokens / llama));
            }
            // profiles last: once enabled, the profiler leaves per-op overhead behind in the process
            report.line("");
            for (int i = 0; i < FAMILIES.size(); i++) {
                Report.progress(FAMILIES.get(i) + ": a profiled forward");
                OpTimes p = ForwardBenchmark.profile(models.get(i), RandomCheckpoint.sized110m(FAMILIES.get(i)), BATCH, LENGTH);
                report.line(Report.fmt("- %s, one profiled forward (%.2f s; matmul %.2f s, other ops %.2f s): ", FAMILIES.get(i),
                        p.wall(), p.of("matmul"), p.insideOps() - p.of("matmul")) + String.join(", ", p.ranked().entrySet()
                        .stream().limit(8).map(e -> Report.fmt("%s %.2f s", e.getKey(), e.getValue())).toList()));
            }
        } finally {
            for (RandomCheckpoint.Scratch f : folders) {
                f.close();
            }
        }
        report.finish(args);
    }
}
