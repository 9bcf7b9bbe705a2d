package org.neurosweep.bench;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Var;
import org.neurosweep.quant.AdaptedProjections;
import org.neurosweep.quant.Cholesky;
import org.neurosweep.quant.Gptq;
import org.neurosweep.quant.GptqTensors;
import org.neurosweep.quant.Hessian;
import org.neurosweep.quant.LoraAdapter;
import org.neurosweep.quant.QuantizedLinear;
import org.neurosweep.quant.RoundToNearest;
import org.neurosweep.quant.TSignSgd;
import org.neurosweep.quant.TernaryAdapter;
import org.neurosweep.quant.ZeroFormat;
import org.neurosweep.train.AdamW;

/**
 * LoTA-QAF's per-step cost on the projections of the runtime benchmark's 110M Llama shape (d = 768, ffn = 2048),
 * r = 64, 4 bits, g = 64: the adapter work of one optimizer step (chain rule from ∂L/∂W into the factors, the update,
 * the new effective weight, through {@link AdaptedProjections} as in training) for ternary factors with t-SignSGD against fp LoRA factors with AdamW, each next to the
 * layer's own forward and backward GEMMs over 1024 tokens (x·Wᵀ, ∂L/∂x, ∂L/∂W), which every step pays anyway; and
 * the packed size of the 4-bit layer against fp32; the whole 110M model's quantized-resident forward, resident
 * weights and training step ({@link LotaModelBenchmark}); and the time of GPTQ against round-to-nearest per projection with
 * the output error they leave. Prints a Markdown report.
 */
public final class LotaBenchmark {
    private static final int TOKENS = 1024;
    private static final int RANK = 64;

    private LotaBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Report report = new Report();
        report.section("LoTA-QAF adapter step vs fp LoRA step, per projection (110M shape, r = 64, 4-bit, g = 64)");
        report.line("| projection (out × in) | layer fwd+bwd GEMMs | ternary + t-SignSGD | fp LoRA + AdamW | ternary / LoRA | packed 4-bit / fp32 bytes |");
        report.line("|---|---|---|---|---|---|");
        for (long[] shape : List.of(new long[] {768, 768}, new long[] {2048, 768}, new long[] {768, 2048})) {
            Report.progress("projection " + shape[0] + "x" + shape[1]);
            report.line(row(shape[0], shape[1]));
        }
        report.line("");
        report.line("The packed ratio counts the checkpoint's GPTQ tensors (qweight, qzeros, scales, g_idx).");
        LotaModelBenchmark.run(report);
        report.section("GPTQ vs round-to-nearest, per projection (110M shape, 4-bit, g = 64, H from 1024 calibration tokens)");
        report.line("| projection (out × in) | RTN | GPTQ (Cholesky + compensation) | GPTQ act-order | output error GPTQ / RTN "
                + "| Cholesky factor of H: unblocked | blocked |");
        report.line("|---|---|---|---|---|---|---|");
        for (long[] shape : List.of(new long[] {768, 768}, new long[] {2048, 768}, new long[] {768, 2048})) {
            Report.progress("gptq " + shape[0] + "x" + shape[1]);
            report.line(gptqRow(shape[0], shape[1]));
        }
        report.finish(args);
    }

    private static String row(long out, long in) {
        INDArray w = Nd4j.randn(DataType.FLOAT, out, in).muli(0.02);
        QuantizedLinear q = RoundToNearest.quantize(w, 4, 64);
        INDArray wf = q.weight().transpose().dup('f');                              // (in, out) as the model holds it
        Var ternaryWeight = Var.param(wf.dup('f'));
        AdaptedProjections ternary = new AdaptedProjections(Map.of("w", ternaryWeight),
                Map.of("w", TernaryAdapter.init(q, TernaryAdapter.Settings.of(RANK, true), 1)),
                params -> new TSignSgd(params, TSignSgd.Schedule.of(300)));
        Var loraWeight = Var.param(wf.dup('f'));
        AdaptedProjections lora = new AdaptedProjections(Map.of("w", loraWeight),
                Map.of("w", LoraAdapter.init(q.weight(), RANK, 2 * RANK, 1)),
                params -> new AdamW(params, 0.9, 0.999, 1e-8, 0.0));
        INDArray x = Nd4j.randn(DataType.FLOAT, TOKENS, in);
        INDArray gy = Nd4j.randn(DataType.FLOAT, TOKENS, out);
        INDArray gw = Nd4j.randn(DataType.FLOAT, in, out).muli(1e-3);             // ∂L/∂W as the tape leaves it
        Timing[] t = Timing.interleaved(2, 7,
                () -> {
                    INDArray y = Nd4j.createUninitialized(DataType.FLOAT, new long[] {TOKENS, out}, 'f');
                    Nd4j.gemm(x, wf, y, false, false, 1.0, 0.0);
                    INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, new long[] {TOKENS, in}, 'f');
                    Nd4j.gemm(gy, wf, gx, false, true, 1.0, 0.0);
                    INDArray gwf = Nd4j.createUninitialized(DataType.FLOAT, new long[] {in, out}, 'f');
                    Nd4j.gemm(x, gy, gwf, true, false, 1.0, 0.0);
                },
                () -> step(ternary, ternaryWeight, gw),
                () -> step(lora, loraWeight, gw));
        long fp32 = out * in * 4;
        long packed = GptqTensors.encode("m", q, ZeroFormat.V2).values().stream()
                .mapToLong(a -> a.length() * a.dataType().width()).sum();
        return Report.fmt("| %d × %d | %.2f ms | %.2f ms | %.2f ms | %.2f | %.3f |", out, in, 1e3 * t[0].median(),
                1e3 * t[1].median(), 1e3 * t[2].median(), t[1].median() / t[2].median(), (double) packed / fp32);
    }

    private static String gptqRow(long out, long in) {
        INDArray w = Nd4j.randn(DataType.FLOAT, out, in).muli(0.02);
        INDArray mix = Nd4j.randn(DataType.FLOAT, in, in).muli(0.2).addi(Nd4j.eye(in));
        Hessian h = new Hessian((int) in);
        h.add(Nd4j.randn(DataType.FLOAT, TOKENS, in).mmul(mix));                  // correlated inputs, as activations are
        double[] hessian = h.matrix();
        Gptq.Settings plain = new Gptq.Settings(4, 64, 0.01, false, 128);
        Gptq.Settings actOrder = new Gptq.Settings(4, 64, 0.01, true, 128);
        Timing[] c = Timing.interleaved(1, 3, () -> Cholesky.unblocked(hessian, (int) in),
                () -> Cholesky.lower(hessian, (int) in));
        Timing[] t = Timing.interleaved(1, 3,
                () -> RoundToNearest.quantize(w, 4, 64),
                () -> Gptq.quantize(w, hessian, plain),
                () -> Gptq.quantize(w, hessian, actOrder));
        double ratio = Gptq.outputError(w, Gptq.quantize(w, hessian, plain).weight(), hessian)
                / Gptq.outputError(w, RoundToNearest.quantize(w, 4, 64).weight(), hessian);
        return Report.fmt("| %d × %d | %.1f ms | %.0f ms | %.0f ms | %.3f | %.0f ms | %.0f ms |", out, in,
                1e3 * t[0].median(), 1e3 * t[1].median(), 1e3 * t[2].median(), ratio, 1e3 * c[0].median(),
                1e3 * c[1].median());
    }

    // one optimizer step as the trainer makes it: the weight's gradient is there, the adapters take it from there
    private static void step(AdaptedProjections adapted, Var weight, INDArray weightGrad) {
        weight.addGrad(weightGrad);
        adapted.step(1e-4);
        weight.zeroGrad();
    }
}
