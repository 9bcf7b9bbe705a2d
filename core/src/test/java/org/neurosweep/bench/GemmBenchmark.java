package org.neurosweep.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fastest way ND4J multiplies matrices (DESIGN.md): f-order operands into a preallocated f-order result, all
 * inside a workspace. The reference every runtime figure is compared with.
 */
final class GemmBenchmark {

    /** One product (m × k) · (k × n) and its timing. */
    record Gemm(int m, int k, int n, Timing timing) {
        double flops() {
            return 2.0 * m * k * n;
        }

        /** FLOP/s of the best run. */
        double flopRate() {
            return flops() / timing.best();
        }
    }

    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder().initialSize(0).build();

    private GemmBenchmark() {
    }

    static Gemm measure(int m, int k, int n, int runs) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, "bench.gemm")) {
            INDArray a = Nd4j.rand(DataType.FLOAT, m, k).dup('f');
            INDArray b = Nd4j.rand(DataType.FLOAT, k, n).dup('f');
            INDArray c = Nd4j.createUninitialized(DataType.FLOAT, new long[] {m, n}, 'f');
            return new Gemm(m, k, n, Timing.of(2, runs, () -> a.mmuli(b, c)));
        }
    }
}
