package org.neurosweep.methods.attribution;

import java.util.Locale;

/**
 * Where the m points of the Riemann sum of integrated gradients lie on the path α ∈ [0, 1]: {@code LEFT} α_q = q/m
 * (q = 0..m−1; the knowledge-neuron and DEPN code, includes the baseline), {@code RIGHT} α_q = (q+1)/m (the papers'
 * formula, includes the input), {@code MIDPOINT} α_q = (q+½)/m. Tables spell them in lower case.
 */
public enum RiemannGrid {
    LEFT(0.0),
    RIGHT(1.0),
    MIDPOINT(0.5);

    private final double shift;

    RiemannGrid(double shift) {
        this.shift = shift;
    }

    /** α_q for q = 0..m−1. */
    public double alpha(int q, int steps) {
        return (q + shift) / steps;
    }

    /** α_0 .. α_{m−1}. */
    public double[] alphas(int steps) {
        double[] a = new double[steps];
        for (int q = 0; q < steps; q++) {
            a[q] = alpha(q, steps);
        }
        return a;
    }

    /** The name as tables and parameters spell it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code left}, {@code right} or {@code midpoint}; anything else is a one-line error naming {@code what}. */
    public static RiemannGrid parse(String s, String what) {
        for (RiemannGrid g : values()) {
            if (g.id().equals(s)) {
                return g;
            }
        }
        throw new IllegalArgumentException(what + " must be left, right or midpoint, got '" + s + "'");
    }
}
