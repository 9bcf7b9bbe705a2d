package org.neurosweep.methods.distill;

/**
 * The knobs of swing distillation (a reconstruction from the paper's abstract; every formula is configurable).
 *
 * @param tauLow            temperature of a token that carries no private information (ρ = 0)
 * @param tauHigh           temperature of a certainly private token (ρ = 1): τ_t = τ_low + ρ_t (τ_high − τ_low)
 * @param noiseScale        b of the Laplace(0, b) noise added to the teacher logits before the temperature (b = 1/ε);
 *                          0 switches the noise off
 * @param noisePrivateOnly  add the noise only where ρ_t &gt; {@code privateThreshold} (else at every position)
 * @param lambda            weight of the soft-target term; the hard-label cross-entropy gets 1 − λ
 * @param privateThreshold  ρ above which a position counts as private
 * @param dropPrivateLabels at private positions λ = 1: the gold (secret) token is never a target
 */
public record SwingSettings(double tauLow, double tauHigh, double noiseScale, boolean noisePrivateOnly, double lambda,
                            double privateThreshold, boolean dropPrivateLabels) {

    public SwingSettings {
        if (!(tauLow > 0) || !(tauHigh >= tauLow) || !(noiseScale >= 0) || !(lambda >= 0 && lambda <= 1)
                || !(privateThreshold >= 0 && privateThreshold <= 1)) {
            throw new IllegalArgumentException("swing settings: need 0 < tau-low ≤ tau-high, noise scale ≥ 0, "
                    + "λ and the private threshold in [0, 1]; got tau-low=" + tauLow + " tau-high=" + tauHigh
                    + " noise=" + noiseScale + " lambda=" + lambda + " threshold=" + privateThreshold);
        }
    }

    /** The spec's defaults: τ 2 → 20, noise b = 1/ε everywhere, λ = 0.5, threshold 0.5, private labels dropped. */
    public static SwingSettings defaults(double epsilon) {
        return new SwingSettings(2, 20, epsilon > 0 ? 1 / epsilon : 0, false, 0.5, 0.5, true);
    }

    /** τ_t of a position whose privacy likelihood is ρ. */
    public double temperature(double rho) {
        return tauLow + rho * (tauHigh - tauLow);
    }

    public boolean isPrivate(double rho) {
        return rho > privateThreshold;
    }
}
