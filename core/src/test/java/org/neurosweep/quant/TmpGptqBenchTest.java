package org.neurosweep.quant;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TmpGptqBenchTest {
    @Test
    void bench() {
        for (long[] shape : new long[][] {{768, 768}, {2048, 768}, {768, 2048}}) {
            long out = shape[0], in = shape[1];
            INDArray w = Nd4j.randn(DataType.FLOAT, out, in).muli(0.02);
            INDArray mix = Nd4j.randn(DataType.FLOAT, in, in).muli(0.2).addi(Nd4j.eye(in));
            Hessian h = new Hessian((int) in);
            h.add(Nd4j.randn(DataType.FLOAT, 1024, in).mmul(mix));
            double[] hm = h.matrix();
            long t0 = System.nanoTime();
            QuantizedLinear r = RoundToNearest.quantize(w, 4, 64);
            long t1 = System.nanoTime();
            QuantizedLinear g = Gptq.quantize(w, hm, new Gptq.Settings(4, 64, 0.01, false, 128));
            long t2 = System.nanoTime();
            QuantizedLinear a = Gptq.quantize(w, hm, new Gptq.Settings(4, 64, 0.01, true, 128));
            long t3 = System.nanoTime();
            long c0 = System.nanoTime();
            Cholesky.upper(Cholesky.inverse(Cholesky.lower(hm, (int) in), (int) in), (int) in);
            long c1 = System.nanoTime();
            System.out.printf("BENCH | %d × %d | %.1f ms | %.0f ms | %.0f ms | %.0f ms | %.3f | %.3f |%n", out, in,
                    (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (c1 - c0) / 1e6,
                    Gptq.outputError(w, g.weight(), hm) / Gptq.outputError(w, r.weight(), hm),
                    Gptq.outputError(w, a.weight(), hm) / Gptq.outputError(w, r.weight(), hm));
            System.out.println("LOAD " + java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
