package org.neurosweep.methods.pad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.GradCheck;
import org.neurosweep.autograd.Var;

/** Plackett–Luce and PAD's ranking losses: the golden values G1–G5 of docs/methods/pad-distill.md and gradients. */
class PreferenceLossTest {

    private static final double[] STUDENT = {0.2, -0.1, 0.5, 0.0};
    private static final double[] TEACHER = {1.0, 0.0, -1.0, 0.5};

    private static INDArray row(double[] u) {
        return Nd4j.createFromArray(new double[][] {u});
    }

    private static double[] logProbs(PlackettLuce pl, double[] u) {
        return pl.logProbs(Var.constant(row(u))).value().toDoubleVector();
    }

    @Test
    void g1RankingsSumToOneAndTheFirstPositionIsTheSoftmax() {
        PlackettLuce pl = new PlackettLuce(4);
        assertEquals(24, pl.size());
        double[] logP = logProbs(pl, STUDENT);
        double total = 0;
        double[] first = new double[4];
        for (int p = 0; p < pl.size(); p++) {
            total += Math.exp(logP[p]);
            first[pl.ranking(p)[0]] += Math.exp(logP[p]);
        }
        assertEquals(1.0, total, 1e-12);
        assertArrayEquals(new double[] {0.2557932, 0.1894963, 0.3452847, 0.2094258}, first, 1e-7, "G5 first-position marginal");
    }

    @Test
    void g2ShiftInvariance() {
        PlackettLuce pl = new PlackettLuce(4);
        double[] shifted = {0.2 + 3.7, -0.1 + 3.7, 0.5 + 3.7, 3.7};
        assertArrayEquals(logProbs(pl, STUDENT), logProbs(pl, shifted), 1e-12);
    }

    @Test
    void g3JsIsSymmetricBoundedAndZeroOnlyForShiftedScores() {
        PreferenceLoss loss = new PreferenceLoss(4);
        double st = loss.jensenShannon(Var.constant(row(STUDENT)), row(TEACHER)).value().getDouble(0);
        double ts = loss.jensenShannon(Var.constant(row(TEACHER)), row(STUDENT)).value().getDouble(0);
        assertEquals(st, ts, 1e-12);
        assertEquals(0.0, loss.jensenShannon(Var.constant(row(STUDENT)), row(new double[] {1.2, 0.9, 1.5, 1.0}))
                .value().getDouble(0), 1e-12);
        double extreme = loss.jensenShannon(Var.constant(row(new double[] {60, 40, 20, 0})), row(new double[] {0, 20, 40, 60}))
                .value().getDouble(0);
        assertTrue(extreme <= Math.log(2) + 1e-12 && extreme > 0.69, "JS " + extreme);
    }

    @Test
    void g4PrecedenceIsTheSigmoidOfTheScoreDifference() {
        PlackettLuce pl = new PlackettLuce(4);
        assertEquals(0.425557483, pl.precedes(STUDENT, 0, 2), 1e-9, "G5");
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                if (a != b) {
                    assertEquals(1 / (1 + Math.exp(-(TEACHER[a] - TEACHER[b]))), pl.precedes(TEACHER, a, b), 1e-12);
                }
            }
        }
    }

    @Test
    void g5GoldenLosses() {
        PreferenceLoss loss = new PreferenceLoss(4);
        assertArrayEquals(new int[] {0, 3, 1, 2}, PlackettLuce.rankingOf(TEACHER));
        assertEquals(0.188959280, loss.jensenShannon(Var.constant(row(STUDENT)), row(TEACHER)).value().getDouble(0), 1e-9);
        assertEquals(3.668823399, loss.vanilla(Var.constant(row(STUDENT)), row(TEACHER)).value().getDouble(0), 1e-9);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        INDArray teacher = Nd4j.createFromArray(new double[][] {TEACHER, {0.3, 0.3, -0.2, 0.9}, {2, 1, 0, -1}});
        INDArray student = Nd4j.createFromArray(new double[][] {STUDENT, {1.0, -0.5, 0.25, 0.1}, {0, 0, 0, 0.5}});
        PreferenceLoss loss = new PreferenceLoss(4);
        double pl = GradCheck.maxRelError(in -> loss.distribution().logProbs(in[0]), student);
        double js = GradCheck.maxRelError(in -> loss.jensenShannon(in[0], teacher), student);
        double vanilla = GradCheck.maxRelError(in -> loss.vanilla(in[0], teacher), student);
        assertTrue(pl < 1e-6 && js < 1e-6 && vanilla < 1e-6, "relative errors " + pl + ", " + js + ", " + vanilla);
        PreferenceLoss three = new PreferenceLoss(3);
        INDArray u = Nd4j.getRandomFactory().getNewRandomInstance(3).nextGaussian('c', new long[] {2, 3}).castTo(DataType.DOUBLE);
        assertTrue(GradCheck.maxRelError(in -> three.jensenShannon(in[0], u.mul(-1)), u.dup()) < 1e-6);
    }
}
