package org.neurosweep.model.block;

import org.neurosweep.autograd.Linear;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.Weights;

/**
 * A linear layer y = x·W + b over all tokens in one GEMM; W (in, out) f-order, bias (out) or null.
 *
 * @param weight (in, out), the transpose of the hub's (out, in)
 */
public record Projection(Var weight, Var bias) {

    /** Binds {@code name.weight} (out, in) and, when {@code withBias}, {@code name.bias} (out). */
    public static Projection bind(Weights weights, String name, long in, long out, boolean withBias) {
        return new Projection(weights.projection(name + ".weight", out, in),
                withBias ? weights.vector(name + ".bias", out) : null);
    }

    /** x (..., in) → (..., out). */
    public Var apply(Var x) {
        return Linear.linear(x, weight, bias);
    }

    public long in() {
        return weight.size(0);
    }

    public long out() {
        return weight.size(1);
    }
}
