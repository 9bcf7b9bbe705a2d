package org.neurosweep.model.block;

import org.neurosweep.autograd.Linear;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.Weights;
import org.neurosweep.quant.PackedLinear;

/**
 * A linear layer y = x·W + b over all tokens in one GEMM; W (in, out) f-order, bias (out) or null. W is either a
 * bound fp32 weight or, in a model loaded quantized-resident, a {@link PackedLinear} dequantized right before the GEMM;
 * the GEMM is the same.
 */
public final class Projection {
    private final Var weight;
    private final PackedLinear packed;
    private final Var bias;

    /** @param weight (in, out), the transpose of the hub's (out, in) */
    public Projection(Var weight, Var bias) {
        this(weight, null, bias);
    }

    private Projection(Var weight, PackedLinear packed, Var bias) {
        this.weight = weight;
        this.packed = packed;
        this.bias = bias;
    }

    /**
     * Binds {@code name.weight} (out, in), packed when the weights hold it packed, and, when {@code withBias},
     * {@code name.bias} (out).
     */
    public static Projection bind(Weights weights, String name, long in, long out, boolean withBias) {
        Var b = withBias ? weights.vector(name + ".bias", out) : null;
        PackedLinear p = weights.packed(name + ".weight", out, in);
        return p != null ? new Projection(null, p, b) : new Projection(weights.projection(name + ".weight", out, in), null, b);
    }

    /** x (..., in) → (..., out). */
    public Var apply(Var x) {
        return Linear.linear(x, weight(), bias);
    }

    /**
     * W (in, out) f-order for the next GEMM: the bound weight, or a packed layer's dequantization (valid until this
     * thread dequantizes another layer when no tape records; see {@link PackedLinear#dequantized()}).
     */
    public Var weight() {
        return packed == null ? weight : packed.dequantized();
    }

    public Var bias() {
        return bias;
    }

    public long in() {
        return packed == null ? weight.size(0) : packed.in();
    }

    public long out() {
        return packed == null ? weight.size(1) : packed.out();
    }
}
