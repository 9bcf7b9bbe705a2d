package org.neurosweep.jobs.distill;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
import org.neurosweep.methods.pad.DiversitySelection;
import org.neurosweep.methods.pad.McqCalibration;
import org.neurosweep.methods.pad.McqJudge;
import org.neurosweep.methods.pad.PadExample;
import org.neurosweep.methods.pad.PadObjective;
import org.neurosweep.methods.pad.ResponseSampler;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.Continuation;
import org.neurosweep.model.generate.ContinuationScore;
import org.neurosweep.model.generate.ContinuationScorer;
import org.neurosweep.model.generate.Sampling;
import org.neurosweep.text.Tokenizer;
import org.neurosweep.train.LmExample;
import org.neurosweep.train.StepLog;
import org.neurosweep.train.TrainingConfig;

/**
 * One PAD unit: (1) the student samples {@code samples} responses per training prompt (batched, KV cache) and
 * diversity selection keeps n; (2) the teacher scores them (log-probabilities and pairwise MCQ judging) and the MCQ
 * filter picks the prompts; (3) the PAD student and (4) the plain-KD student (token-level KD on the same prompts and
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
        int n = p.getInt(PadDistillJob.RESPONSES);
        int longest = Math.max(TaskQuality.longest(corpus, tokenizer), corpus.train().stream()
                .mapToInt(e -> tokenizer.encode(corpus.prompt(e)).length).max().orElse(1) + p.getInt(PadDistillJob.SAMPLE_TOKENS));
        int microBatch = in.microBatch(ForwardFootprint.bytes(teacher.config(), longest, longest));

        List<PadExample> examples = scoredPrompts(corpus, student, teacher, tokenizer, endOfText, microBatch, p, out);
        if (examples.size() < p.getInt(DistillParams.MICRO_BATCH)) {
            throw new IllegalStateException(unit.dataset().label() + ": " + examples.size() + " prompts passed diversity "
                    + "selection and the MCQ filter, fewer than micro-batch = " + p.getInt(DistillParams.MICRO_BATCH)
                    + " (turn mcq-filter off, raise alpha, or give more prompts)");
        }
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
     * Sampling, diversity selection, teacher scoring and the filter, with their rows; the prompts to train on, their
     * teacher scores α ℓ_T + (1 − α) m (before β).
     */
    private static List<PadExample> scoredPrompts(DistillCorpus corpus, ModelHandle student, ModelHandle teacher,
                                                  Tokenizer tokenizer, int endOfText, int microBatch, Params p, RowSink out) {
        int samples = p.getInt(PadDistillJob.SAMPLES_PER_PROMPT);
        int n = p.getInt(PadDistillJob.RESPONSES);
        double temperature = p.getDouble(PadDistillJob.TEMPERATURE);
        double topP = p.getDouble(PadDistillJob.TOP_P);
        double alpha = p.getDouble(PadDistillJob.ALPHA);
        List<int[]> prompts = corpus.train().stream().map(e -> tokenizer.encode(corpus.prompt(e))).toList();
        List<ResponseSampler.Sample> drawn = new ResponseSampler(student.model(),
                Sampling.atTemperature(temperature).withTopP(topP), p.getInt(PadDistillJob.SAMPLE_TOKENS), endOfText,
                microBatch).sample(prompts, samples, p.getLong(DistillParams.SEED));
        ContinuationScorer teacherScorer = new ContinuationScorer(teacher.model(), microBatch, ContinuationScorer.Padding.RIGHT);
        McqJudge judge = new McqJudge(teacher.model(), tokenizer, p.getString(PadDistillJob.MCQ_TEMPLATE),
                p.getInt(PadDistillJob.MCQ_CANDIDATE_TOKENS), microBatch);
        TableRows sampleRows = out.table(PadDistillJob.SAMPLES);
        List<PadExample> examples = new ArrayList<>();
        for (int q = 0; q < prompts.size(); q++) {
            InstructionExample record = corpus.train().get(q);
            List<ResponseSampler.Sample> mine = drawn.subList(q * samples, (q + 1) * samples);
            List<String> texts = mine.stream().map(s -> tokenizer.decode(withoutStop(s))).toList();
            DiversitySelection.Result selection = DiversitySelection.select(texts, n);
            int[] rank = new int[samples];
            Arrays.fill(rank, -1);
            for (int k = 0; k < n; k++) {
                rank[selection.selected()[k]] = k;
            }
            for (int s = 0; s < samples; s++) {
                sampleRows.add(record.id(), s, temperature, topP, rank[s] < 0 ? null : rank[s], texts.get(s),
                        mine.get(s).tokens().length, rank[s] >= 0,
                        selection.minDistance()[s] < 0 ? null : selection.minDistance()[s], selection.distinct());
            }
            if (!selection.distinct()) {
                continue;
            }
            List<int[]> responses = new ArrayList<>();
            List<String> chosenTexts = new ArrayList<>();
            for (int k : selection.selected()) {
                responses.add(mine.get(k).tokens());
                chosenTexts.add(texts.get(k));
            }
            double[] scores = teacherScores(record, prompts.get(q), responses, chosenTexts, teacherScorer, judge, alpha,
                    teacher.ref().id(), p.getBoolean(PadDistillJob.MCQ_FILTER), out);
            if (scores != null) {
                examples.add(new PadExample(record.id(), prompts.get(q), responses, scores));
            }
        }
        return examples;
    }

    /** Writes the pairs and the scores of one prompt's responses; its teacher scores, or null when filtered out. */
    private static double[] teacherScores(InstructionExample record, int[] prompt, List<int[]> responses,
                                          List<String> texts, ContinuationScorer scorer, McqJudge judge, double alpha,
                                          String teacherName, boolean filter, RowSink out) {
        int n = responses.size();
        List<ContinuationScore> logp = scorer.score(responses.stream().map(r -> new Continuation(prompt, r)).toList());
        List<McqJudge.Verdict> verdicts = judge.judge((record.instruction() + "\n" + record.input()).strip(), texts);
        double[] pA = new double[verdicts.size()];
        double[] pB = new double[verdicts.size()];
        for (int k = 0; k < verdicts.size(); k++) {
            McqJudge.Verdict v = verdicts.get(k);
            pA[k] = v.pA();
            pB[k] = v.pB();
            out.table(PadDistillJob.MCQ_PAIRS).add(record.id(), v.i(), v.j(), v.pA(), v.pB(), v.pOther());
        }
        double[] m = McqCalibration.scores(n, pA, pB);
        boolean kept = !filter || McqCalibration.passesFilter(m);
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            ContinuationScore s = logp.get(i);
            scores[i] = McqCalibration.teacherScore(alpha, s.mean(), m[i]);
            out.table(PadDistillJob.TEACHER_SCORES).add(record.id(), i, teacherName, s.sum(), s.mean(), m[i],
                    Math.exp(m[i]), scores[i], kept);
        }
        return kept ? scores : null;
    }

    /** The response's tokens without the end-of-text token that stopped it. */
    private static int[] withoutStop(ResponseSampler.Sample s) {
        return s.stopped() ? Arrays.copyOf(s.tokens(), s.tokens().length - 1) : s.tokens();
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
