package org.neurosweep.jobs.distill;

import java.util.ArrayList;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.methods.distill.DistillExample;
import org.neurosweep.methods.distill.SwingSettings;
import org.neurosweep.methods.distill.TokenDistillation;
import org.neurosweep.methods.pad.PadExample;
import org.neurosweep.methods.pad.PadObjective;
import org.neurosweep.model.CausalLM;
import org.neurosweep.text.Tokenizer;
import org.neurosweep.train.LmExample;
import org.neurosweep.train.StepLog;
import org.neurosweep.train.TrainingConfig;

/**
 * One PAD unit: (1, 2) the selected responses and their teacher scores, read from committed pad-sample and
 * pad-score tables or computed here ({@link PadSampling}, {@link PadScoring}), and the MCQ filter; (3) the PAD student and (4) the plain-KD student (token-level KD on the same prompts and
 * selected responses, n sequences per prompt, so each step sees the same sequences) are trained from the student's
 * weights; (5) every role is evaluated on the held-out instructions. Stateless.
 */
final class PadDistillKernel implements Kernel {

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new PadDistillKernel();
        }
    }

    private static final String HARNESS = "neurosweep pad-distill v1";

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        Params p = unit.params();
        ModelHandle student = in.model(TeacherStudentPlanner.STUDENT);
        ModelHandle teacher = in.model(TeacherStudentPlanner.TEACHER);
        DistillCorpus corpus = DistillCorpus.read(in.dataset(), unit.dataset(), p.getInt(DistillParams.EVAL_ITEMS), out);
        Tokenizer tokenizer = student.tokenizer();
        int endOfText = Students.endOfText(student);
        int padId = Students.padId(student);
        int longest = Math.max(TaskQuality.longest(corpus, tokenizer), corpus.train().stream()
                .mapToInt(e -> tokenizer.encode(corpus.prompt(e)).length).max().orElse(1) + p.getInt(PadParams.SAMPLE_TOKENS));
        int microBatch = in.microBatch(ForwardFootprint.bytes(teacher.config(), longest, longest));

        List<PadExample> examples = trainingPrompts(corpus, student, teacher, tokenizer, endOfText, microBatch, p);
        if (examples.size() < p.getInt(DistillParams.MICRO_BATCH)) {
            throw new IllegalStateException(unit.dataset().label() + ": " + examples.size() + " prompts passed diversity "
                    + "selection and the MCQ filter, fewer than micro-batch = " + p.getInt(DistillParams.MICRO_BATCH)
                    + " (turn mcq-filter off, raise alpha, or give more prompts)");
        }
        int n = examples.get(0).responses().size();
        TaskQuality task = new TaskQuality(corpus, tokenizer, padId, endOfText, microBatch, p.getInt(DistillParams.MAX_NEW_TOKENS));
        evaluate(PadDistillJob.ROLE_TEACHER, teacher.model(), task, out);
        evaluate(PadDistillJob.ROLE_BEFORE, student.model(), task, out);

        TableRows steps = out.table(PadDistillJob.TRAIN_STEP);
        PadObjective.Kind kind = "vanilla".equals(p.getString(PadDistillJob.LOSS)) ? PadObjective.Kind.VANILLA : PadObjective.Kind.JS;
        PadObjective[] objective = new PadObjective[1];
        CausalLM pad = Students.train(student, examples, DistillParams.training(p), p, copy -> objective[0] =
                new PadObjective(copy, padId, p.getDouble(PadDistillJob.BETA), kind, n), log -> {
                    List<PadObjective.Diagnostics> d = objective[0].drain();
                    steps.add(null, "pad", log.step(), log.loss(), mean(d, PadObjective.Diagnostics::js),
                            mean(d, PadObjective.Diagnostics::vanilla), mean(d, PadObjective.Diagnostics::rewardAccuracy),
                            mean(d, PadObjective.Diagnostics::rewardMargin), mean(d, PadObjective.Diagnostics::kendallTau),
                            log.learningRate(), log.gradNorm(), d.stream().mapToLong(PadObjective.Diagnostics::tokens).sum(),
                            log.millis());
                });
        Students.publish(pad, student, PadDistillJob.ROLE_PAD, p, out.artifacts());
        evaluate(PadDistillJob.ROLE_PAD, pad, task, out);

        if (p.getBoolean(PadDistillJob.KD_BASELINE)) {
            List<DistillExample> sequences = new ArrayList<>();
            for (PadExample e : examples) {
                for (LmExample s : e.sequences()) {
                    sequences.add(new DistillExample(e.promptId(), s, new double[s.tokens().length]));
                }
            }
            TrainingConfig shared = DistillParams.training(p);
            TrainingConfig kdRun = new TrainingConfig(shared.steps(), shared.microBatchSize() * n,
                    shared.gradientAccumulation(), shared.maxGradNorm(), shared.seed());
            double tau = p.getDouble(PadDistillJob.KD_TAU);
            SwingSettings plain = new SwingSettings(tau, tau, 0, false, p.getDouble(PadDistillJob.KD_LAMBDA), 1, false);
            CausalLM kd = Students.train(student, sequences, kdRun, p, copy -> new TokenDistillation(teacher.model(), copy,
                    padId, TokenDistillation.Mode.KD, plain, p.getLong(DistillParams.SEED)), (StepLog log) ->
                    steps.add(null, "kd", log.step(), log.loss(), null, null, null, null, null, log.learningRate(),
                            log.gradNorm(), null, log.millis()));
            Students.publish(kd, student, PadDistillJob.ROLE_KD, p, out.artifacts());
            evaluate(PadDistillJob.ROLE_KD, kd, task, out);
        }
    }

    /**
     * The prompts to train on with their n selected responses and teacher scores α ℓ_T + (1 − α) m (before β): the
     * slice's training prompts that have responses (committed or sampled here) and scores (committed or computed here)
     * and pass the filters.
     */
    private static List<PadExample> trainingPrompts(DistillCorpus corpus, ModelHandle student, ModelHandle teacher,
                                                    Tokenizer tokenizer, int endOfText, int microBatch, Params p) {
        Map<String, CommittedPadTables.Responses> responses = new LinkedHashMap<>();
        String samplesFrom = p.getString(PadParams.SAMPLES_FROM);
        if (PadParams.SELF.equals(samplesFrom)) {
            for (PadSampling.Prompt q : PadSampling.sample(corpus, student.model(), tokenizer, endOfText, microBatch, p)) {
                if (q.selection().distinct()) {
                    responses.put(q.record().id(), new CommittedPadTables.Responses(q.selected(), q.selectedTexts()));
                }
            }
        } else {
            responses = CommittedPadTables.samples(Path.of(samplesFrom), p.getString(PadParams.SAMPLED_BY));
        }
        String scoresFrom = p.getString(PadParams.SCORES_FROM);
        Map<String, CommittedPadTables.Scores> committed = PadParams.SELF.equals(scoresFrom) ? null
                : CommittedPadTables.scores(Path.of(scoresFrom), teacher.ref().id());
        PadScoring scoring = committed == null ? new PadScoring(teacher, microBatch, p) : null;
        List<PadExample> out = new ArrayList<>();
        for (InstructionExample e : corpus.train()) {
            CommittedPadTables.Responses r = responses.get(e.id());
            if (r == null) {
                continue;
            }
            int[] prompt = tokenizer.encode(corpus.prompt(e));
            CommittedPadTables.Scores s;
            if (committed == null) {
                PadScoring.Scored scored = scoring.score(e, prompt, r.tokens(), r.texts());
                s = new CommittedPadTables.Scores(scored.scores(), scored.kept());
            } else {
                s = committed.get(e.id());
            }
            if (s != null && s.kept()) {
                if (s.scores().length != r.tokens().size() || (!out.isEmpty() && out.get(0).responses().size() != r.tokens().size())) {
                    throw new IllegalArgumentException("prompt " + e.id() + ": " + r.tokens().size() + " responses and "
                            + s.scores().length + " teacher scores; every prompt needs the same n (committed tables of one run?)");
                }
                out.add(new PadExample(e.id(), prompt, r.tokens(), s.scores()));
            }
        }
        return out;
    }

    private static void evaluate(String role, CausalLM model, TaskQuality task, RowSink out) {
        TaskQuality.Figures f = task.measure(model);
        if (f.n() > 0) {
            TableRows rows = out.table(PadDistillJob.EVAL);
            rows.add(null, role, task.evalSet(), "exact_match", f.exactMatch(), null, f.n(), HARNESS);
            rows.add(null, role, task.evalSet(), "response_nll", f.responseNll(), null, f.n(), HARNESS);
        }
    }

    private static Double mean(List<PadObjective.Diagnostics> d, java.util.function.ToDoubleFunction<PadObjective.Diagnostics> f) {
        return d.isEmpty() ? null : d.stream().mapToDouble(f).average().orElseThrow();
    }
}
