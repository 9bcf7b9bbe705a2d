package org.neurosweep.methods.pad;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Shapes;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.CausalLM;
import org.neurosweep.train.CausalLmBatch;
import org.neurosweep.train.LmExample;
import org.neurosweep.train.LossMask;
import org.neurosweep.train.Trainer;

/**
 * PAD's training objective over a micro-batch of prompts: one student forward over all prompts x n responses, the
 * student rewards r_S = β ℓ_S (n per prompt), the teacher rewards r_T = β · score, and the JS or vanilla ranking
 * loss, a plain mean over prompts (the spec's recommendation P4; no token weighting). Each micro-batch also records
 * its diagnostics, which {@link #drain} hands out (per optimizer step, the caller averages them).
 */
public final class PadObjective implements Trainer.Objective<PadExample> {

    /** The reference code's {@code pd} (Jensen–Shannon of the ranking distributions) or {@code rd} (vanilla). */
    public enum Kind { JS, VANILLA }

    /**
     * One micro-batch: both losses, the fraction of prompts whose student prefers the teacher-best over the
     * teacher-worst response, the mean student reward margin between them, the mean Kendall τ of student vs teacher
     * rewards, and the response tokens scored.
     */
    public record Diagnostics(double js, double vanilla, double rewardAccuracy, double rewardMargin, double kendallTau,
                              long tokens) {
    }

    private final CausalLM student;
    private final int padId;
    private final double beta;
    private final Kind kind;
    private final PreferenceLoss losses;
    private final List<Diagnostics> recorded = new ArrayList<>();

    public PadObjective(CausalLM student, int padId, double beta, Kind kind, int responses) {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("PAD: β must be > 0, got " + beta);
        }
        this.student = student;
        this.padId = padId;
        this.beta = beta;
        this.kind = kind;
        this.losses = new PreferenceLoss(responses);
    }

    @Override
    public Var loss(List<PadExample> prompts, Trainer.Scope scope) {
        int n = losses.distribution().items();
        List<LmExample> sequences = new ArrayList<>();
        double[][] teacher = new double[prompts.size()][];
        for (int p = 0; p < prompts.size(); p++) {
            PadExample e = prompts.get(p);
            if (e.responses().size() != n) {
                throw new IllegalArgumentException("prompt " + e.promptId() + " has " + e.responses().size()
                        + " responses, the objective " + n);
            }
            sequences.addAll(e.sequences());
            teacher[p] = java.util.Arrays.stream(e.teacherScores()).map(s -> beta * s).toArray();
        }
        CausalLmBatch batch = CausalLmBatch.of(sequences, padId, LossMask.RESPONSE_ONLY);
        Var logits = scope.keep(student.forward(batch.input())).logits();
        Var rewards = Elementwise.scale(Shapes.reshape(SequenceScores.meanLogProbs(logits, batch), prompts.size(), n), beta);
        INDArray teacherRewards = Nd4j.createFromArray(teacher).castTo(rewards.dataType());
        // the loss that trains carries the gradient; the other one is a diagnostic
        Var js = losses.jensenShannon(kind == Kind.JS ? rewards : rewards.detach(), teacherRewards);
        Var vanilla = losses.vanilla(kind == Kind.VANILLA ? rewards : rewards.detach(), teacherRewards);
        record(rewards.value(), teacher, js.value().getDouble(0), vanilla.value().getDouble(0), batch.countedTokens());
        return kind == Kind.JS ? js : vanilla;
    }

    private void record(INDArray rewards, double[][] teacher, double js, double vanilla, long tokens) {
        double acc = 0;
        double margin = 0;
        double tau = 0;
        for (int p = 0; p < teacher.length; p++) {
            double[] s = rewards.getRow(p).toDoubleVector();
            int best = RankAgreement.best(teacher[p]);
            int worst = RankAgreement.worst(teacher[p]);
            acc += s[best] > s[worst] ? 1 : 0;
            margin += s[best] - s[worst];
            tau += RankAgreement.kendallTau(s, teacher[p]);
        }
        int b = teacher.length;
        recorded.add(new Diagnostics(js, vanilla, acc / b, margin / b, tau / b, tokens));
    }

    /** The diagnostics of the micro-batches since the last call, in order. */
    public List<Diagnostics> drain() {
        List<Diagnostics> out = List.copyOf(recorded);
        recorded.clear();
        return out;
    }
}
