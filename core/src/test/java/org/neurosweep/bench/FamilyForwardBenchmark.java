package org.neurosweep.bench;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.neurosweep.model.CausalLM;

/**
 * The forward of the runtime benchmark's 110M shape as a Llama, a Gemma-2 (soft-capping, sandwich norms, 1 + w
 * norms, GeGLU, alternating sliding layers) and a BERT masked LM (bidirectional, post-LN, biases, MLM head), 4 × 256
 * tokens each, against the best GEMM of the same run (scripts/bench/families). Prints a Markdown report; writes it
 * also to the file given as the first argument.
 */
public final class FamilyForwardBenchmark {
    private static final int BATCH = 4;
    private static final int LENGTH = 256;
    private static final int RUNS = 3;
    private static final double TARGET = 0.5;

    private FamilyForwardBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Report report = new Report();
        Report.progress("GEMM");
        GemmBenchmark.Gemm best = Stream.of(GemmBenchmark.measure(2048, 2048, 2048, 5),
                GemmBenchmark.measure(1024, 768, 768, 10)).max(Comparator.comparingDouble(GemmBenchmark.Gemm::flopRate))
                .orElseThrow();
        report.section(Report.fmt("Forward of 110M-parameter shapes by family, %d×%d tokens, fp32; best GEMM %.1f GFLOP/s "
                + "(%d×%d·%d×%d)", BATCH, LENGTH, best.flopRate() / 1e9, best.m(), best.k(), best.k(), best.n()));
        report.line("| family | parameters | best | median | tokens/s | GFLOP/s | of the best GEMM |");
        report.line("|---|---|---|---|---|---|---|");
        for (String family : List.of("llama", "gemma2", "bert")) {
            RandomCheckpoint shape = RandomCheckpoint.sized110m(family);
            try (RandomCheckpoint.Scratch scratch = shape.writeToTemp()) {
                Report.progress(family + ": loading and timing");
                CausalLM model = CausalLM.load(scratch.dir());
                Timing t = ForwardBenchmark.time(model, shape, BATCH, LENGTH, RUNS);
                double rate = ForwardBenchmark.flops(shape, BATCH, LENGTH) / t.best();
                double fraction = rate / best.flopRate();
                report.line(Report.fmt("| %s | %.1fM | %.2f s | %.2f s | %.0f | %.1f | **%.2f** (target %.1f: %s) |",
                        family, shape.parameters() / 1e6, t.best(), t.median(), BATCH * LENGTH / t.best(), rate / 1e9,
                        fraction, TARGET, Report.verdict(fraction >= TARGET)));
            }
        }
        report.finish(args);
    }
}
