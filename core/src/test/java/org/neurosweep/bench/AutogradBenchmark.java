package org.neurosweep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.HookNames;
import org.neurosweep.methods.attribution.IntegratedGradients;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.ModelLoader;
import org.neurosweep.train.AdamW;
import org.neurosweep.train.CausalLmBatch;
import org.neurosweep.train.LearningRateSchedule;
import org.neurosweep.train.LmExample;
import org.neurosweep.train.LossMask;
import org.neurosweep.train.StepLog;
import org.neurosweep.train.Trainer;
import org.neurosweep.train.TrainingConfig;

/**
 * The autograd figures of issue 3 on the runtime benchmark's 110M Llama shape (random weights): forward+backward
 * time over forward time, integrated gradients with 20 steps batched against 20 sequential forward+backward
 * passes, and the peak resident memory of an AdamW training step. Prints a Markdown report.
 */
public final class AutogradBenchmark {
    private static final int BATCH = 4;
    private static final int LENGTH = 256;
    private static final int TRAINING_STEPS = 3;
    private static final int IG_STEPS = 20;
    private static final int IG_PROMPT = 64;
    private static final double BACKWARD_TARGET = 3.5;
    private static final double IG_TARGET = 1.5;

    private final Report report = new Report();

    private AutogradBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        AutogradBenchmark bench = new AutogradBenchmark();
        bench.run();
        bench.report.finish(args);
    }

    private void run() throws IOException {
        RandomCheckpoint shape = RandomCheckpoint.llama110m();
        try (RandomCheckpoint.Scratch scratch = shape.writeToTemp()) {
            Report.progress("writing and loading a random " + shape.parameters() / 1_000_000 + "M-parameter Llama");
            CausalLM model = ModelLoader.load(scratch.dir().toString(), true);
            Report.progress("training step");
            trainingStep(model, shape);
            Report.progress("forward and forward+backward");
            backward(model, shape);
            Report.progress("integrated gradients");
            integratedGradients(model, shape);
        }
    }

    // first, so that the process's resident high-water mark is the training's
    private void trainingStep(CausalLM model, RandomCheckpoint s) {
        List<Var> params = new TreeMap<>(model.parameters()).values().stream().distinct().toList();
        long before = residentKb("VmHWM");
        List<LmExample> examples = examples(ForwardBenchmark.randomBatch(s.vocab(), BATCH, LENGTH));
        List<StepLog> logs = new Trainer<LmExample>(new TrainingConfig(TRAINING_STEPS, BATCH, 1, 1.0, 1),
                AdamW.withDefaults(params), LearningRateSchedule.constant(1e-4, 0)).train(examples, (batch, scope) -> {
                    CausalLmBatch b = CausalLmBatch.of(batch, 0, LossMask.ALL_TOKENS);
                    return b.loss(scope.keep(model.forward(b.input())).logits());
                }, log -> { });
        long after = residentKb("VmHWM");
        double paramMb = s.parameters() * 4.0 / (1 << 20);
        report.section(Report.fmt("Training step: AdamW, %d×%d tokens, fp32, %.1fM parameters", BATCH, LENGTH, s.parameters() / 1e6));
        report.line(Report.fmt("- %d steps (forward, backward, clipping, AdamW): the first %.2f s (its workspaces "
                        + "learn their sizes), then %s", TRAINING_STEPS, logs.get(0).millis() / 1e3,
                String.join(", ", logs.subList(1, logs.size()).stream().map(l -> Report.fmt("%.2f s", l.millis() / 1e3)).toList())));
        report.line(Report.fmt("- peak resident memory: %.0f MB after loading, **%.0f MB** during training (+%.0f MB); "
                        + "weights %.0f MB, gradients %.0f MB, AdamW moments %.0f MB",
                before / 1024.0, after / 1024.0, (after - before) / 1024.0, paramMb, paramMb, 2 * paramMb));
        params.forEach(Var::zeroGrad);
    }

    private void backward(CausalLM model, RandomCheckpoint s) {
        Batch input = ForwardBenchmark.randomBatch(s.vocab(), BATCH, LENGTH);
        CausalLmBatch lm = CausalLmBatch.of(examples(input), 0, LossMask.ALL_TOKENS);
        Timing forward = Timing.of(1, 3, () -> {
            try (Forward ignored = model.forward(input)) {
                // the logits are computed; nothing to read
            }
        });
        Timing both = Timing.of(1, 3, () -> {
            try (Tape tape = Tape.record(); Forward f = model.forward(input)) {
                tape.backward(lm.loss(f.logits()));
            }
            model.parameters().values().forEach(Var::zeroGrad);
        });
        double ratio = both.best() / forward.best();
        report.section(Report.fmt("Forward+backward over forward, %d×%d tokens (loss: mean next-token cross-entropy)", BATCH, LENGTH));
        report.line(Report.fmt("- forward %.2f s (median %.2f), forward+backward %.2f s (median %.2f) → ratio **%.2f**; target ≤ %.1f: %s",
                forward.best(), forward.median(), both.best(), both.median(), ratio, BACKWARD_TARGET,
                Report.verdict(ratio <= BACKWARD_TARGET)));
    }

    private void integratedGradients(CausalLM model, RandomCheckpoint s) {
        Random random = new Random(5);
        int[] prompt = random.ints(IG_PROMPT, 0, s.vocab()).toArray();
        int[] last = {IG_PROMPT - 1};
        String hook = HookNames.mlpPost(s.layers() / 2);
        IntegratedGradients ig = new IntegratedGradients(model);
        IntegratedGradients.Result probe = ig.attribute(prompt, hook, 1);
        int target = probe.target();
        INDArray a = probe.activation();                                    // (1, ffn)
        Timing batched = Timing.of(1, 3, () -> ig.attribute(prompt, hook, IG_STEPS, last, null, target));
        Timing sequential = Timing.of(1, 3, () -> {
            for (int k = 1; k <= IG_STEPS; k++) {
                INDArray point = a.mul((double) k / IG_STEPS).reshape(1, 1, a.size(1));
                ig.gradientsAt(prompt, hook, last, point, target);
            }
        });
        double speedup = sequential.best() / batched.best();
        report.section(Report.fmt("Integrated gradients, %d steps, %d-token prompt, %s", IG_STEPS, IG_PROMPT, hook));
        report.line(Report.fmt("- one batched forward+backward (%d rows) %.2f s, %d sequential forward+backward passes %.2f s "
                        + "→ speed-up **%.2f×**; target ≥ %.1f×: %s", IG_STEPS, batched.best(), IG_STEPS,
                sequential.best(), speedup, IG_TARGET, Report.verdict(speedup >= IG_TARGET)));
    }

    /** The rows of {@code batch} as language-model examples whose loss covers every token. */
    static List<LmExample> examples(Batch batch) {
        List<LmExample> rows = new ArrayList<>();
        for (int r = 0; r < batch.size(); r++) {
            int[] row = new int[batch.length()];
            for (int j = 0; j < row.length; j++) {
                row[j] = batch.id(r, j);
            }
            rows.add(new LmExample(row, 0));
        }
        return rows;
    }

    /** A field of /proc/self/status in kB (VmHWM: the peak resident set so far). */
    private static long residentKb(String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(field + ":")) {
                    return Long.parseLong(l.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("/proc/self/status has no " + field);
    }

}
