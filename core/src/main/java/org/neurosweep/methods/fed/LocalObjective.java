package org.neurosweep.methods.fed;

import java.util.List;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Reductions;
import org.neurosweep.autograd.Var;
import org.neurosweep.methods.pad.SequenceScores;
import org.neurosweep.model.CausalLM;
import org.neurosweep.train.CausalLmBatch;
import org.neurosweep.train.LossMask;
import org.neurosweep.train.Trainer;

/**
 * A client's local loss on one micro-batch:
 * {@code L = mean_{few-shot} CE(x, y) + μ · Σ_pseudo w_i CE(x_i, ŷ_i) / Σ_pseudo w_i}, where CE of a pair is the mean
 * next-token cross-entropy over its response tokens. A micro-batch without few-shot (pseudo) rows drops that term;
 * pseudo rows whose weights sum to 0 (all clipped away) drop theirs. Without pseudo rows this is plain supervised
 * fine-tuning: the mean over pairs of their mean response-token cross-entropy. One forward over all rows.
 */
public final class LocalObjective implements Trainer.Objective<FedExample> {

    private final CausalLM model;
    private final int padId;
    private final double mu;

    public LocalObjective(CausalLM model, int padId, double mu) {
        if (!(mu >= 0)) {
            throw new IllegalArgumentException("μ must be ≥ 0, got " + mu);
        }
        this.model = model;
        this.padId = padId;
        this.mu = mu;
    }

    @Override
    public Var loss(List<FedExample> microBatch, Trainer.Scope scope) {
        int b = microBatch.size();
        long fewShot = microBatch.stream().filter(e -> !e.pseudo()).count();
        double pseudoMass = microBatch.stream().filter(FedExample::pseudo).mapToDouble(FedExample::weight).sum();
        double[] coefficient = new double[b];
        for (int i = 0; i < b; i++) {
            FedExample e = microBatch.get(i);
            if (!e.pseudo()) {
                coefficient[i] = -1.0 / fewShot;
            } else if (pseudoMass > 0) {
                coefficient[i] = -mu * e.weight() / pseudoMass;
            }
        }
        CausalLmBatch batch = CausalLmBatch.of(microBatch.stream().map(FedExample::sequence).toList(), padId,
                LossMask.RESPONSE_ONLY);
        Var logits = scope.keep(model.forward(batch.input())).logits();
        Var meanLogProbs = SequenceScores.meanLogProbs(logits, batch);                 // (b): mean log p of each response
        Var c = Var.constant(Nd4j.createFromArray(coefficient).castTo(logits.dataType()));
        return Reductions.sum(Elementwise.mul(meanLogProbs, c));
    }
}
