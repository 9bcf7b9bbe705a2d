package org.neurosweep.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Linear16;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.quant.AdaptedProjections;
import org.neurosweep.quant.GptqCheckpoint;
import org.neurosweep.quant.LoraAdapter;
import org.neurosweep.quant.LotaQaf;
import org.neurosweep.quant.PackedLinear;
import org.neurosweep.quant.QuantizedLinear;
import org.neurosweep.quant.TSignSgd;
import org.neurosweep.quant.TernaryAdapter;
import org.neurosweep.quant.ZeroFormat;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.train.AdamW;

/**
 * LoTA-QAF on the whole 110M Llama shape of the runtime benchmark, its 84 projections quantized by round-to-nearest to
 * 4 bits, g = 64, its embedding and lm_head rounded to bf16 values as a model shipped in bf16 has them (so that the
 * packed model holds them in bf16): (a) the quantized-resident forward ({@link GptqCheckpoint#loadPacked}) against
 * the fp32 model's, interleaved; (b) the weights' resident bytes of both, counted, and measured with each load in a
 * fresh JVM; (c) one whole training step (forward, backward, adapter update) of the ternary adaptation against an fp
 * LoRA step on the same quantized base, interleaved.
 */
final class LotaModelBenchmark {
    private static final int BATCH = 4;
    private static final int LENGTH = 256;
    private static final int RANK = 64;

    private LotaModelBenchmark() {
    }

    /** These sections alone (scripts/bench/lota runs them within its whole report). */
    public static void main(String[] args) throws IOException {
        Report report = new Report();
        run(report);
        report.finish(args);
    }

    static void run(Report report) throws IOException {
        RandomCheckpoint shape = RandomCheckpoint.llama110m();
        Predicate<String> targets = LotaQaf.targets(LotaQaf.DEFAULT_TARGETS);
        Path quantized = Files.createTempDirectory("neurosweep-bench-gptq");
        try (RandomCheckpoint.Scratch scratch = shape.writeToTemp()) {
            Report.progress("quantizing the 110M model");
            Map<String, QuantizedLinear> layers = LotaQaf.quantize(CausalLM.load(scratch.dir()), targets, 4, 64);
            CausalLM base = CausalLM.load(scratch.dir());
            for (String table : new String[] {"model.embed_tokens.weight", "lm_head.weight"}) {
                INDArray t = base.parameters().get(table).value();          // bf16 values, as a model shipped in bf16
                t.assign(t.castTo(DataType.BFLOAT16).castTo(DataType.FLOAT));
            }
            GptqCheckpoint.save(base, layers, scratch.dir(), quantized, ZeroFormat.V2);
            memory(report, scratch.dir(), quantized, layers);
            forward(report, scratch.dir(), quantized, shape);
            trainingStep(report, quantized, layers, targets, shape);
        } finally {
            try (Stream<Path> files = Files.list(quantized)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(quantized);
        }
    }

    private static void forward(Report report, Path fp32Dir, Path quantized, RandomCheckpoint shape) {
        Report.progress("forward: fp32 vs packed 4-bit");
        CausalLM fp32 = CausalLM.load(fp32Dir);
        CausalLM packed = GptqCheckpoint.loadPacked(quantized);
        Batch batch = ForwardBenchmark.randomBatch(shape.vocab(), BATCH, LENGTH);
        Timing[] t = Timing.interleaved(1, 3, () -> forwardOnce(fp32, batch), () -> forwardOnce(packed, batch));
        double tokens = BATCH * LENGTH;
        report.section("Quantized-resident forward (110M Llama shape, 4 × 256 tokens, all positions' logits)");
        report.line("| model | best | median | tokens/s (best) |");
        report.line("|---|---|---|---|");
        report.line(Report.fmt("| fp32 | %.2f s | %.2f s | %.0f |", t[0].best(), t[0].median(), tokens / t[0].best()));
        report.line(Report.fmt("| 4-bit packed, dequantized per projection | %.2f s | %.2f s | %.0f |", t[1].best(),
                t[1].median(), tokens / t[1].best()));
        double ratio = t[1].best() / t[0].best();
        report.line("");
        report.line(Report.fmt("Packed / fp32 forward time **%.2f×** (medians %.2f×); target ≤ 1.3×: %s", ratio,
                t[1].median() / t[0].median(), Report.verdict(ratio <= 1.3)));
    }

    private static void forwardOnce(CausalLM model, Batch batch) {
        try (Forward ignored = model.forward(batch)) {
            // the logits are computed; nothing to read
        }
    }

    // (b): bytes counted from what the model holds (its parameters' distinct ND4J buffers, off-heap, plus the packed
    // layers' buffers), and the process's resident set measured around each load, each in a fresh JVM (rounds
    // alternate: packed, fp32, packed, fp32)
    private static void memory(Report report, Path fp32Dir, Path quantized, Map<String, QuantizedLinear> layers)
            throws IOException {
        Report.progress("resident memory");
        CausalLM packed = GptqCheckpoint.loadPacked(quantized);
        CausalLM fp32 = CausalLM.load(fp32Dir);
        long packedProjections = 0;
        long fp32Projections = 0;
        long largest = 0;
        for (QuantizedLinear q : layers.values()) {
            packedProjections += PackedLinear.of(q).residentBytes();
            fp32Projections += 4 * q.out() * q.in();
            largest = Math.max(largest, 4 * q.out() * q.in());
        }
        long fp32Bytes = bufferBytes(fp32.parameters());
        long packedDense = bufferBytes(packed.parameters());               // embeddings, lm_head (16-bit), norms
        long packedBytes = packedDense + packedProjections;
        report.section("Resident weights of the 4-bit model (110M Llama shape, g = 64)");
        report.line("| | fp32 model | 4-bit packed model | packed / fp32 |");
        report.line("|---|---|---|---|");
        report.line(Report.fmt("| counted: quantized projections | %.1f MB | %.1f MB | %.3f |", mb(fp32Projections),
                mb(packedProjections), (double) packedProjections / fp32Projections));
        report.line(Report.fmt("| counted: embeddings, lm_head, norms (not quantized) | %.1f MB | %.1f MB | |",
                mb(fp32Bytes - fp32Projections), mb(packedDense)));
        report.line(Report.fmt("| counted: all weights | %.1f MB | %.1f MB | **%.3f** |", mb(fp32Bytes), mb(packedBytes),
                (double) packedBytes / fp32Bytes));
        for (int round = 1; round <= 2; round++) {
            long packedMeasured = ResidentGrowth.inFreshJvm("packed", quantized);
            long fp32Measured = ResidentGrowth.inFreshJvm("fp32", fp32Dir);
            report.line(Report.fmt("| measured (round %d): Δ resident set of a fresh JVM over the load, after GC | %.1f MB "
                    + "| %.1f MB | **%.3f** |", round, mb(fp32Measured), mb(packedMeasured),
                    (double) packedMeasured / fp32Measured));
        }
        report.line("");
        long scratch = largest + 4L * fp32.config().hiddenSize() * Linear16.CHUNK;   // PackedLinear's, Linear16's block
        double withScratch = (double) (packedBytes + scratch) / fp32Bytes;
        report.line(Report.fmt("Plus, per thread that runs a packed forward, the fp32 scratch of the largest projection "
                + "and the 16-bit head's widened block: %.1f MB; with them **%.3f**. Target ≤ 0.3 of fp32 (all weights): %s",
                mb(scratch), withScratch, Report.verdict(withScratch <= 0.3)));
    }

    /**
     * The growth of a fresh JVM's resident set over one load, after GC: the JVM runs with this one's options and class
     * path, loads the golden tiny Llama both ways first (so that both loaders' classes are loaded and their code
     * compiled, which neither load is then charged for), and prints the bytes. In one process the figure would also
     * move with the Java heap's resizing by the collections between the loads, in either direction.
     */
    static final class ResidentGrowth {
        private static final String LINE = "resident-growth ";

        private ResidentGrowth() {
        }

        /** args: {@code packed} or {@code fp32}, then the model folder. */
        public static void main(String[] args) {
            GptqCheckpoint.loadPacked(RepoPaths.golden("gptq").resolve("llama_gptq4"));
            CausalLM.load(RepoPaths.golden("llama"));
            Path dir = Path.of(args[1]);
            long before = residentSet();
            CausalLM model = args[0].equals("packed") ? GptqCheckpoint.loadPacked(dir) : CausalLM.load(dir);
            long after = residentSet();
            System.out.println(LINE + (after - before) + " " + model.config().numLayers());    // the model stays live
        }

        static long inFreshJvm(String how, Path dir) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ResidentGrowth.class.getName(), how,
                    dir.toString()));
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("the " + how + " memory child exited with " + p.exitValue());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring memory", e);
            }
            return out.lines().filter(l -> l.startsWith(LINE)).map(l -> Long.parseLong(l.split(" ")[1])).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the " + how + " memory child printed no figure"));
        }
    }

    // the process's resident set size after collecting garbage (freed off-heap arrays are unmapped: the launcher's
    // glibc mmap threshold)
    private static long residentSet() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return Pointer.physicalBytes();
    }

    // bytes of the distinct ND4J buffers behind the parameters (views of one buffer counted once)
    private static long bufferBytes(Map<String, Var> parameters) {
        Set<DataBuffer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long bytes = 0;
        for (Var v : parameters.values()) {
            DataBuffer b = v.value().data();
            DataBuffer root = b.originalDataBuffer() != null ? b.originalDataBuffer() : b;
            if (seen.add(root)) {
                bytes += root.length() * root.getElementSize();
            }
        }
        return bytes;
    }

    private static void trainingStep(Report report, Path quantized, Map<String, QuantizedLinear> layers,
                                     Predicate<String> targets, RandomCheckpoint shape) {
        Report.progress("training step: ternary + t-SignSGD vs fp LoRA + AdamW");
        CausalLM ternaryModel = GptqCheckpoint.load(quantized, targets);
        AdaptedProjections ternary = new AdaptedProjections(ternaryModel.parameters(),
                LotaQaf.adapters(layers, TernaryAdapter.Settings.of(RANK, true), 1),
                params -> new TSignSgd(params, TSignSgd.Schedule.of(300)));
        CausalLM loraModel = GptqCheckpoint.load(quantized, targets);
        Map<String, LoraAdapter> loras = new LinkedHashMap<>();
        long k = 0;
        for (Map.Entry<String, QuantizedLinear> e : layers.entrySet()) {
            loras.put(e.getKey() + ".weight", LoraAdapter.init(e.getValue().weight(), RANK, 2 * RANK, k++));
        }
        AdaptedProjections lora = new AdaptedProjections(loraModel.parameters(), loras,
                params -> new AdamW(params, 0.9, 0.999, 1e-8, 0.0));
        Batch batch = ForwardBenchmark.randomBatch(shape.vocab(), 1, LENGTH);
        Timing[] t = Timing.interleaved(1, 2, () -> step(ternaryModel, ternary, batch),
                () -> step(loraModel, lora, batch));
        report.section("One training step on the 110M shape (1 × 256 tokens, all 84 projections adapted, r = 64)");
        report.line("| adaptation | best | median | steps/s (best) |");
        report.line("|---|---|---|---|");
        report.line(Report.fmt("| ternary + t-SignSGD (LoTA-QAF) | %.2f s | %.2f s | %.3f |", t[0].best(), t[0].median(),
                1 / t[0].best()));
        report.line(Report.fmt("| fp LoRA + AdamW | %.2f s | %.2f s | %.3f |", t[1].best(), t[1].median(),
                1 / t[1].best()));
        report.line("");
        report.line(Report.fmt("Ternary / LoRA step time: **%.2f×** (medians %.2f×).", t[0].best() / t[1].best(),
                t[0].median() / t[1].median()));
    }

    // forward and backward of the summed logits (the loss does not matter for the time), then the adapters' update
    private static void step(CausalLM model, AdaptedProjections adapted, Batch batch) {
        try (Tape tape = Tape.record(); Forward f = model.forward(batch)) {
            tape.backward(f.logits(), Nd4j.ones(DataType.FLOAT, f.logits().shape()));
        }
        adapted.step(1e-4);
        adapted.parameters().forEach(Var::zeroGrad);
    }

    private static double mb(long bytes) {
        return bytes / 1e6;
    }
}
