package org.neurosweep.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.data.Shard;
import org.neurosweep.methods.distill.DistillExample;
import org.neurosweep.methods.distill.PrivacyTagger;
import org.neurosweep.methods.distill.SwingSettings;
import org.neurosweep.methods.distill.TokenDistillation;
import org.neurosweep.methods.pad.ResponseSampler;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelLoader;
import org.neurosweep.model.generate.Sampling;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.text.PromptFormat;
import org.neurosweep.text.Tokenizer;
import org.neurosweep.train.CausalLmBatch;
import org.neurosweep.train.LossMask;
import org.neurosweep.train.Trainer;

/**
 * The distillation figures of issue 14 on the world models (teacher dense_instruct, 1.7M parameters; student
 * dense_small, 0.4M): (a) a swing-distillation step (teacher forward, student forward and backward, the swing loss
 * with noise) and a plain-KD step against a plain fine-tuning step of the student on the same batch, target ≤ 1.6×;
 * (b) PAD's batched sampling (8 rows per generate call, KV cache) against one sequence at a time, target ≥ 3× in
 * tokens/s. Prints a Markdown report.
 */
public final class DistillBenchmark {
    private static final int BATCH = 8;
    private static final int PAD = 1;
    private static final double STEP_TARGET = 1.6;
    private static final double SAMPLING_TARGET = 3.0;

    private final Report report = new Report();

    private DistillBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        DistillBenchmark bench = new DistillBenchmark();
        bench.run();
        bench.report.finish(args);
    }

    private void run() {
        CausalLM teacher = ModelLoader.load(RepoPaths.world("dense_instruct").toString(), false);
        CausalLM student = ModelLoader.load(RepoPaths.world("dense_small").toString(), true);
        List<DistillExample> batch = new ArrayList<>();
        List<int[]> prompts = new ArrayList<>();
        try (Tokenizer tokenizer = Tokenizer.load(RepoPaths.world("dense_small").resolve("tokenizer.json"))) {
            for (InstructionExample e : InstructionExample.read(RepoPaths.dataset("world/instruct.jsonl"), Shard.all())
                    .orThrow().subList(0, BATCH)) {
                String prompt = PromptFormat.INSTRUCTION.render(e.instruction(), e.input());
                batch.add(DistillExample.of(e.id(), prompt, e.output(), 0, tokenizer, PrivacyTagger.of("\\d+")));
                prompts.add(tokenizer.encode(prompt));
            }
        }
        Report.progress("training steps");
        steps(teacher, student, batch);
        Report.progress("sampling");
        sampling(student, prompts);
    }

    private void steps(CausalLM teacher, CausalLM student, List<DistillExample> batch) {
        List<Var> params = new TreeMap<>(student.parameters()).values().stream().distinct().toList();
        Trainer.Objective<DistillExample> fineTune = (b, scope) -> {
            CausalLmBatch lm = CausalLmBatch.of(b.stream().map(DistillExample::tokens).toList(), PAD, LossMask.RESPONSE_ONLY);
            return lm.loss(scope.keep(student.forward(lm.input())).logits());
        };
        SwingSettings settings = SwingSettings.defaults(1.0);
        Trainer.Objective<DistillExample> swing = new TokenDistillation(teacher, student, PAD, TokenDistillation.Mode.SWING, settings, 1);
        Trainer.Objective<DistillExample> kd = new TokenDistillation(teacher, student, PAD, TokenDistillation.Mode.KD, settings, 1);
        CausalLmBatch input = CausalLmBatch.of(batch.stream().map(DistillExample::tokens).toList(), PAD, LossMask.RESPONSE_ONLY);
        Runnable teacherForward = () -> {
            try (Tape tape = Tape.record(); Tape.Suspension noGrad = Tape.suspend();
                 org.neurosweep.model.Forward ignored = teacher.forward(input.input())) {
                // the teacher's logits, as a distillation step computes them (no tape: inference paths)
            }
        };
        Runnable teacherForwardTaped = () -> {
            try (Tape tape = Tape.record(); org.neurosweep.model.Forward ignored = teacher.forward(input.input())) {
                // the same forward with the step's tape open (before the no-grad suspension)
            }
        };
        // with OpenMP and OpenBLAS at one thread, the calling thread's CPU time measures the work, robust to the load
        boolean oneThread = "1".equals(System.getenv("OMP_NUM_THREADS"));
        Runnable[] actions = {step(fineTune, batch, params), step(swing, batch, params), step(kd, batch, params),
                teacherForward, teacherForwardTaped};
        Timing[] t = oneThread ? Timing.interleavedCpu(3, 15, actions) : Timing.interleaved(3, 15, actions);
        String clock = oneThread ? "CPU time of the calling thread, OMP_NUM_THREADS=1" : "wall clock";
        report.section(Report.fmt("Distillation step vs fine-tuning step, %d sequences (forward + backward, no optimizer; %s)",
                BATCH, clock));
        report.line(Report.fmt("- fine-tuning (student cross-entropy): best %.1f ms, median %.1f ms", 1e3 * t[0].best(), 1e3 * t[0].median()));
        report.line(Report.fmt("- swing distillation (teacher forward + student, noise on): best %.1f ms, median %.1f ms → **%.2f×** (target ≤ %.1f×: %s)",
                1e3 * t[1].best(), 1e3 * t[1].median(), t[1].best() / t[0].best(), STEP_TARGET, Report.verdict(t[1].best() / t[0].best() <= STEP_TARGET)));
        report.line(Report.fmt("- plain KD: best %.1f ms, median %.1f ms → **%.2f×**", 1e3 * t[2].best(), 1e3 * t[2].median(), t[2].best() / t[0].best()));
        report.line(Report.fmt("- of which the teacher's forward alone (tape suspended, as in the step): best %.1f ms (%.2f× the "
                + "fine-tuning step); the rest of a swing step (student forward and backward, loss, noise): %.2f× the fine-tuning step",
                1e3 * t[3].best(), t[3].best() / t[0].best(), (t[1].best() - t[3].best()) / t[0].best()));
        report.line(Report.fmt("- the teacher's forward with the tape open (before the suspension): best %.1f ms (%.2f× the fine-tuning step)",
                1e3 * t[4].best(), t[4].best() / t[0].best()));
    }

    /** One forward and backward of {@code objective} on {@code batch}, as the trainer runs a micro-batch. */
    private static Runnable step(Trainer.Objective<DistillExample> objective, List<DistillExample> batch, List<Var> params) {
        return () -> {
            try (Tape tape = Tape.record(); Trainer.Scope scope = new Trainer.Scope()) {
                tape.backward(objective.loss(batch, scope));
            }
            params.forEach(Var::zeroGrad);
        };
    }

    private void sampling(CausalLM student, List<int[]> prompts) {
        int tokens = 32;
        Sampling sampling = Sampling.atTemperature(1.0).withTopP(0.95);
        long[] generated = new long[2];
        Timing[] t = Timing.interleaved(1, 5,
                () -> generated[0] = count(new ResponseSampler(student, sampling, tokens, -1, BATCH).sample(prompts, 1, 3)),
                () -> generated[1] = count(new ResponseSampler(student, sampling, tokens, -1, 1).sample(prompts, 1, 3)));
        double batched = generated[0] / t[0].best();
        double single = generated[1] / t[1].best();
        report.section(Report.fmt("PAD sampling: %d prompts x %d new tokens, KV cache", BATCH, tokens));
        report.line(Report.fmt("- batch %d: %.0f tokens/s; one sequence at a time: %.0f tokens/s → **%.1f×** (target ≥ %.0f×: %s)",
                BATCH, batched, single, batched / single, SAMPLING_TARGET, Report.verdict(batched / single >= SAMPLING_TARGET)));
    }

    private static long count(List<ResponseSampler.Sample> samples) {
        return samples.stream().mapToLong(s -> s.tokens().length).sum();
    }
}
