package org.neurosweep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.neurosweep.model.CausalLM;

/**
 * Issue 18's BLAS lever, one side of it per process: the runtime benchmark's two GEMMs and its forward (134M Llama,
 * 4×256 tokens) under whichever BLAS this JVM's ND4J calls, ND4J's OpenBLAS or, with
 * {@code -Dorg.bytedeco.openblas.load=mkl_rt} and the bench-only {@code mkl} profile, Intel MKL. A BLAS cannot be
 * swapped inside a process, so {@code scripts/bench/blas} alternates processes of both and collects their reports.
 */
public final class BlasBenchmark {
    private static final int BATCH = 4;
    private static final int LENGTH = 256;

    private BlasBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Report report = new Report();
        report.line("- BLAS library mapped into this process: " + blasLibrary());
        Report.progress("GEMMs");
        GemmBenchmark.Gemm projection = GemmBenchmark.measure(1024, 768, 768, 10);
        GemmBenchmark.Gemm square = GemmBenchmark.measure(2048, 2048, 2048, 5);
        RandomCheckpoint shape = RandomCheckpoint.llama110m();
        Timing forward;
        try (RandomCheckpoint.Scratch scratch = shape.writeToTemp()) {
            Report.progress("forward");
            CausalLM model = CausalLM.load(scratch.dir());
            forward = ForwardBenchmark.time(model, shape, BATCH, LENGTH, 3);
        }
        report.section("GEMMs and forward");
        report.line("| figure | best | GFLOP/s or tokens/s (best) |");
        report.line("|---|---|---|");
        for (GemmBenchmark.Gemm g : new GemmBenchmark.Gemm[] {projection, square}) {
            report.line(Report.fmt("| GEMM %d×%d · %d×%d | %.2f ms | %.1f GFLOP/s |", g.m(), g.k(), g.k(), g.n(),
                    g.timing().best() * 1e3, g.flopRate() / 1e9));
        }
        report.line(Report.fmt("| forward %d×%d tokens | %.2f s (median %.2f) | %.0f tokens/s |", BATCH, LENGTH,
                forward.best(), forward.median(), BATCH * LENGTH / forward.best()));
        report.finish(args);
    }

    /** The file of the BLAS mapped into this process (/proc/self/maps): MKL's runtime or OpenBLAS. */
    private static String blasLibrary() throws IOException {
        String openblas = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String file = line.substring(line.lastIndexOf(' ') + 1);
            if (file.contains("libmkl_rt")) {
                return file;
            }
            if (openblas == null && file.contains("libopenblas")) {
                openblas = file;
            }
        }
        return openblas == null ? "none found" : openblas;
    }
}
