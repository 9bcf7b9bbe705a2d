package org.neurosweep.model.block;

import org.neurosweep.autograd.Norms;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.Weights;

/** A normalization over the last dim: RMSNorm (Llama family) or LayerNorm with bias (GPT-NeoX). */
@FunctionalInterface
public interface Norm {

    /** x (..., d) → (..., d). */
    Var apply(Var x);

    /** RMSNorm with scale {@code name.weight} (d). */
    static Norm rms(Weights weights, String name, long d, double eps) {
        Var gamma = weights.vector(name + ".weight", d);
        return x -> Norms.rmsNorm(x, gamma, eps);
    }

    /** LayerNorm with {@code name.weight} and {@code name.bias} (d). */
    static Norm layer(Weights weights, String name, long d, double eps) {
        Var gamma = weights.vector(name + ".weight", d);
        Var beta = weights.vector(name + ".bias", d);
        return x -> Norms.layerNorm(x, gamma, beta, eps);
    }
}
