package org.neurosweep.methods.pad;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Losses;
import org.neurosweep.autograd.Reductions;
import org.neurosweep.autograd.Var;

/**
 * PAD's ranking losses between the student's and the teacher's reward vectors of each prompt (rows of (b, n)), both
 * already multiplied by β; means over the prompts; teacher rewards are constants.
 * <ul>
 *   <li>{@link #jensenShannon} (the reference code's {@code pd}): JS(P(·|r_S), P(·|r_T)) of the two Plackett–Luce
 *       distributions over all n! rankings, in [0, log 2];</li>
 *   <li>{@link #vanilla} ({@code rd}): −log P(π_T | r_S), π_T the teacher's ranking (descending, ties by index).</li>
 * </ul>
 * Both are invariant to adding a constant to a prompt's scores.
 */
public final class PreferenceLoss {

    private final PlackettLuce pl;

    public PreferenceLoss(int n) {
        this.pl = new PlackettLuce(n);
    }

    public PlackettLuce distribution() {
        return pl;
    }

    /** Mean JS divergence → scalar Var. */
    public Var jensenShannon(Var student, INDArray teacher) {
        Var js = Losses.jsDivergence(pl.logProbs(student), pl.logProbs(Var.constant(teacher)));
        return Reductions.mean(js);
    }

    /** Mean −log P(π_T | r_S) → scalar Var. */
    public Var vanilla(Var student, INDArray teacher) {
        int[] targets = new int[(int) teacher.size(0)];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = pl.indexOf(PlackettLuce.rankingOf(teacher.getRow(i).toDoubleVector()));
        }
        return Elementwise.neg(Reductions.mean(Losses.logProbsOf(pl.logProbs(student), targets)));
    }
}
