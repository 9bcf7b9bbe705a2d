package org.neurosweep.methods.evaluation;

import java.util.Arrays;

/**
 * Task dynamic prediction within a capability group (docs/methods/capability-dynamics.md §3, step A5): the curve of a
 * known benchmark A predicts that of an unseen benchmark B of the same group. On the first {@code fitPoints}
 * checkpoints (training order) y_B ≈ α + β·y_A is fitted by ordinary least squares; the remaining checkpoints are
 * predicted and scored by the mean absolute error and R² (1 − SS_res / SS_tot about the held-out mean of y_B); Pearson
 * and Spearman correlations are taken over the whole trajectory.
 *
 * <p>NaN marks what is undefined: α and β with fewer than two fit points or y_A constant on them; MAE without a
 * held-out checkpoint or a fit; R² with fewer than two held-out checkpoints or y_B constant on them; the correlations
 * of a constant curve.
 *
 * @param points checkpoints shared by both curves
 * @param fitPoints the first checkpoints the line was fitted on
 */
public record WithinGroupPrediction(int points, int fitPoints, double alpha, double beta, double mae, double r2Heldout,
                                    double pearson, double spearman) {

    /**
     * @param known     y_A at the shared checkpoints, in training order
     * @param unseen    y_B at the same checkpoints
     * @param fitPoints how many leading checkpoints to fit on, 0..n
     */
    public static WithinGroupPrediction of(double[] known, double[] unseen, int fitPoints) {
        int n = known.length;
        if (unseen.length != n) {
            throw new IllegalArgumentException("both curves must cover the same checkpoints: " + n + " vs " + unseen.length);
        }
        if (fitPoints < 0 || fitPoints > n) {
            throw new IllegalArgumentException("fit points must lie in 0.." + n + ", got " + fitPoints);
        }
        double[] xFit = Arrays.copyOfRange(known, 0, fitPoints);
        double[] yFit = Arrays.copyOfRange(unseen, 0, fitPoints);
        double beta = CurveStatistics.olsSlope(xFit, yFit);
        double alpha = Double.isNaN(beta) ? Double.NaN : CurveStatistics.mean(yFit) - beta * CurveStatistics.mean(xFit);
        int held = n - fitPoints;
        double mae = Double.NaN;
        double r2 = Double.NaN;
        if (held > 0 && !Double.isNaN(beta)) {
            double[] y = Arrays.copyOfRange(unseen, fitPoints, n);
            double my = CurveStatistics.mean(y);
            double abs = 0;
            double ssRes = 0;
            double ssTot = 0;
            for (int i = 0; i < held; i++) {
                double residual = y[i] - (alpha + beta * known[fitPoints + i]);
                abs += Math.abs(residual);
                ssRes += residual * residual;
                ssTot += (y[i] - my) * (y[i] - my);
            }
            mae = abs / held;
            r2 = held >= 2 && ssTot > 0 ? 1 - ssRes / ssTot : Double.NaN;
        }
        return new WithinGroupPrediction(n, fitPoints, alpha, beta, mae, r2, CurveStatistics.pearson(known, unseen),
                CurveStatistics.spearman(known, unseen));
    }

    /**
     * The fit points of "the first {@code fraction} of the checkpoints": ⌈fraction · n⌉ (so that 0.5 of 5 fits on 3
     * and predicts 2), at most n.
     */
    public static int fitPoints(int checkpoints, double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the fit fraction must lie in (0, 1], got " + fraction);
        }
        return Math.min(checkpoints, (int) Math.ceil(fraction * checkpoints - 1e-9));
    }
}
