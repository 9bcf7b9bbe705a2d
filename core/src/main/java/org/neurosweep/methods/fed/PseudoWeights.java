package org.neurosweep.methods.fed;

import java.util.Arrays;

/**
 * FewFedWeight's energy-based weights of one client's pseudo samples: {@code w_i = n · softmax_i(−E_i / γ)} with
 * {@code γ = std(E) + 1e−6} (population standard deviation over the client's n samples), so that the weights average
 * to 1 and fall as the energy rises; then clipped to {@code [0, w_max]}. Adding a constant to every energy changes
 * neither γ nor the softmax, so the weights are invariant to it.
 */
public final class PseudoWeights {

    /** The added scale floor of γ, so that equal energies give equal weights 1. */
    static final double GAMMA_FLOOR = 1e-6;

    /** Both sets of weights of one client, index-aligned with the energies. */
    public record Weights(double[] unclipped, double[] clipped, double gamma) {
    }

    private PseudoWeights() {
    }

    public static Weights of(double[] energies, double wMax) {
        if (!(wMax > 0)) {
            throw new IllegalArgumentException("w_max must be > 0, got " + wMax);
        }
        int n = energies.length;
        if (n == 0) {
            return new Weights(new double[0], new double[0], GAMMA_FLOOR);
        }
        double mean = Arrays.stream(energies).average().orElseThrow();
        double variance = Arrays.stream(energies).map(e -> (e - mean) * (e - mean)).sum() / n;
        double gamma = Math.sqrt(variance) + GAMMA_FLOOR;
        // softmax of −E/γ, shifted by the smallest energy (the largest logit) for stability
        double min = Arrays.stream(energies).min().orElseThrow();
        double[] unnormalised = Arrays.stream(energies).map(e -> Math.exp(-(e - min) / gamma)).toArray();
        double z = Arrays.stream(unnormalised).sum();
        double[] w = Arrays.stream(unnormalised).map(u -> n * u / z).toArray();
        double[] clipped = Arrays.stream(w).map(x -> Math.min(Math.max(x, 0), wMax)).toArray();
        return new Weights(w, clipped, gamma);
    }
}
