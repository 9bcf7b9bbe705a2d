package org.neurosweep.jobs.distill;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neurosweep.data.Canary;
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
import org.neurosweep.jobs.JobTables;
import org.neurosweep.methods.distill.DistillExample;
import org.neurosweep.methods.distill.PrivacyTagger;
import org.neurosweep.methods.distill.SwingSettings;
import org.neurosweep.methods.distill.TokenDistillation;
import org.neurosweep.methods.privacy.CanaryExposure;
import org.neurosweep.methods.privacy.CanaryLogPerplexity;
import org.neurosweep.model.CausalLM;
import org.neurosweep.text.Tokenizer;
import org.neurosweep.train.StepLog;

/**
 * One swing-distillation unit: the corpus (training instructions + canaries) tagged for privacy, the teacher and
 * the untrained student evaluated, the swing student (and the plain-KD one) trained from the same weights with the
 * same data order, both evaluated, the summary written. Stateless.
 */
final class SwingDistillKernel implements Kernel {

    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new SwingDistillKernel();
        }
    }

    /** The model of one role and the figures measured on it. */
    private record Measured(double meanExposure, double responseNll) {
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        Params p = unit.params();
        ModelHandle student = in.model(TeacherStudentPlanner.STUDENT);
        ModelHandle teacher = in.model(TeacherStudentPlanner.TEACHER);
        DistillCorpus corpus = DistillCorpus.read(in.dataset(), unit.dataset(), p.getInt(DistillParams.EVAL_ITEMS), out);
        Tokenizer tokenizer = student.tokenizer();
        int endOfText = Students.endOfText(student);
        int padId = Students.padId(student);
        SwingSettings settings = settings(p);
        PrivacyTagger tagger = PrivacyTagger.of(p.getString(SwingDistillJob.PRIVACY_PATTERN));

        List<DistillExample> examples = trainingExamples(corpus, p.getInt(SwingDistillJob.CANARY_REPEATS), endOfText,
                tokenizer, tagger, settings, out.table(SwingDistillJob.TOKEN_PRIVACY));
        int longest = TaskQuality.longest(corpus, tokenizer);
        int microBatch = in.microBatch(ForwardFootprint.bytes(student.config(), longest, longest));
        Evaluation eval = new Evaluation(corpus, new TaskQuality(corpus, tokenizer, padId, endOfText, microBatch,
                p.getInt(DistillParams.MAX_NEW_TOKENS)), tokenizer, microBatch, p, out);

        Measured teacherFigures = eval.measure(SwingDistillJob.ROLE_TEACHER, teacher.model());
        Measured before = eval.measure(SwingDistillJob.ROLE_BEFORE, student.model());
        Map<TokenDistillation.Mode, Run> runs = new LinkedHashMap<>();
        for (TokenDistillation.Mode mode : p.getBoolean(SwingDistillJob.KD_BASELINE)
                ? List.of(TokenDistillation.Mode.KD, TokenDistillation.Mode.SWING) : List.of(TokenDistillation.Mode.SWING)) {
            List<StepLog> log = new ArrayList<>();
            CausalLM trained = Students.train(student, examples, DistillParams.training(p), p, copy -> new TokenDistillation(teacher.model(), copy,
                    padId, mode, settings, p.getLong(DistillParams.SEED)), log::add);
            String role = mode == TokenDistillation.Mode.KD ? SwingDistillJob.ROLE_KD : SwingDistillJob.ROLE_SWING;
            runs.put(mode, new Run(eval.measure(role, trained), finalLoss(log),
                    Students.publish(trained, student, role, p, out.artifacts())));
        }
        Run kd = runs.get(TokenDistillation.Mode.KD);
        Run swing = runs.get(TokenDistillation.Mode.SWING);
        Double reduction = kd == null || kd.figures.meanExposure == 0 ? null
                : 100 * (kd.figures.meanExposure - swing.figures.meanExposure) / kd.figures.meanExposure;
        out.table(SwingDistillJob.SUMMARY).add(null, JobTables.orNull(teacherFigures.meanExposure),
                JobTables.orNull(before.meanExposure),
                kd == null ? null : JobTables.orNull(kd.figures.meanExposure), JobTables.orNull(swing.figures.meanExposure),
                reduction == null ? null : JobTables.orNull(reduction),
                kd == null ? null : JobTables.orNull(kd.figures.responseNll), JobTables.orNull(swing.figures.responseNll),
                kd == null ? null : JobTables.orNull(swing.figures.responseNll - kd.figures.responseNll),
                kd == null ? null : kd.finalLoss, swing.finalLoss, kd == null ? null : kd.checkpoint, swing.checkpoint);
    }

    private record Run(Measured figures, double finalLoss, String checkpoint) {
    }

    static SwingSettings settings(Params p) {
        double epsilon = p.getDouble(SwingDistillJob.EPSILON);
        return new SwingSettings(p.getDouble(SwingDistillJob.TAU_LOW), p.getDouble(SwingDistillJob.TAU_HIGH),
                epsilon > 0 ? 1 / epsilon : 0, p.getBoolean(SwingDistillJob.NOISE_PRIVATE_ONLY),
                p.getDouble(SwingDistillJob.LAMBDA), p.getDouble(SwingDistillJob.PRIVATE_THRESHOLD),
                p.getBoolean(SwingDistillJob.DROP_PRIVATE_LABELS));
    }

    /**
     * The training instructions, then each canary's text {@code repetitions x canaryRepeats} times; the distilled
     * positions of every distinct sequence that holds a private token go to {@code privacyRows}.
     */
    private static List<DistillExample> trainingExamples(DistillCorpus corpus, int canaryRepeats, int endOfText,
                                                         Tokenizer tokenizer, PrivacyTagger tagger,
                                                         SwingSettings settings, TableRows privacyRows) {
        List<DistillExample> examples = new ArrayList<>();
        for (InstructionExample e : corpus.train()) {
            DistillExample x = DistillExample.of(e.id(), corpus.prompt(e), e.output(), endOfText, tokenizer, tagger);
            examples.add(x);
            writePrivacy(x, tokenizer, settings, privacyRows);
        }
        for (Canary c : corpus.canaries()) {
            DistillExample x = DistillExample.document(c.name(), c.text(), endOfText, tokenizer, tagger);
            for (int k = 0; k < c.repetitions() * canaryRepeats; k++) {
                examples.add(x);
            }
            if (canaryRepeats > 0) {
                writePrivacy(x, tokenizer, settings, privacyRows);
            }
        }
        return examples;
    }

    private static void writePrivacy(DistillExample x, Tokenizer tokenizer, SwingSettings settings, TableRows rows) {
        if (!x.hasPrivateTokens(settings)) {
            return;
        }
        int[] tokens = x.tokens().tokens();
        for (int t = Math.max(1, x.tokens().promptLength()); t < tokens.length; t++) {
            double rho = x.rho()[t];
            boolean priv = settings.isPrivate(rho);
            double noise = settings.noisePrivateOnly() && !priv ? 0 : settings.noiseScale();
            rows.add(x.id(), t, tokens[t], tokenizer.decode(new int[] {tokens[t]}), rho, settings.temperature(rho),
                    noise, !(priv && settings.dropPrivateLabels()));
        }
    }

    /** Mean loss of the last 10% of the steps (at least one). */
    private static double finalLoss(List<StepLog> log) {
        int tail = Math.max(1, log.size() / 10);
        return log.subList(log.size() - tail, log.size()).stream().mapToDouble(StepLog::loss).average().orElseThrow();
    }

    /** Task quality and canary exposure of any model on the unit's evaluation data, written per role. */
    private record Evaluation(DistillCorpus corpus, TaskQuality task, Tokenizer tokenizer, int microBatch, Params p,
                              RowSink out) {

        Measured measure(String role, CausalLM model) {
            TaskQuality.Figures figures = task.measure(model);
            if (figures.n() > 0) {
                TableRows rows = out.table(SwingDistillJob.TASK_EVAL);
                rows.add(null, role, task.evalSet(), "response_nll", figures.responseNll(), figures.n());
                rows.add(null, role, task.evalSet(), "exact_match", figures.exactMatch(), figures.n());
            }
            CanaryExposure exposure = new CanaryExposure(p.getInt(SwingDistillJob.EXPOSURE_CANDIDATES),
                    p.getLong(DistillParams.SEED));
            double sum = 0;
            for (Canary c : corpus.canaries()) {
                CanaryExposure.Result r = exposure.measure(c.secret(),
                        new CanaryLogPerplexity(model, tokenizer, c.prefix(), microBatch));
                sum += r.exposure();
                out.table(SwingDistillJob.EXPOSURE).add(c.name(), role, c.repetitions(),
                        c.repetitions() * p.getInt(SwingDistillJob.CANARY_REPEATS), r.secretLp(), r.rank(),
                        r.spaceSize(), r.sampled(), r.candidates(), r.exposure(), JobTables.orNull(r.exposureExtrapolated()));
            }
            return new Measured(corpus.canaries().isEmpty() ? Double.NaN : sum / corpus.canaries().size(),
                    figures.responseNll());
        }
    }
}
