package org.neurosweep.model.block;

import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Norms;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.Weights;

/** A normalization over the last dim: RMSNorm (Llama family), Gemma's RMSNorm with scale 1 + w, or LayerNorm with bias. */
@FunctionalInterface
public interface Norm {

    /** x (..., d) → (..., d). */
    Var apply(Var x);

    /** RMSNorm with scale {@code name.weight} (d). */
    static Norm rms(Weights weights, String name, long d, double eps) {
        Var gamma = weights.vector(name + ".weight", d);
        return x -> Norms.rmsNorm(x, gamma, eps);
    }

    /**
     * Gemma's RMSNorm: the checkpoint stores w and the scale is 1 + w (formed per call, so that the gradient reaches
     * the stored w and an optimizer step on w is seen at once).
     */
    static Norm rmsUnitOffset(Weights weights, String name, long d, double eps) {
        Var w = weights.vector(name + ".weight", d);
        return x -> Norms.rmsNorm(x, Elementwise.addScalar(w, 1.0), eps);
    }

    /**
     * LayerNorm with {@code name.weight} and {@code name.bias} (d), or {@code name.gamma} and {@code name.beta} where
     * the checkpoint uses the original TensorFlow names (e.g. bert-base-uncased; HF renames them the same way).
     */
    static Norm layer(Weights weights, String name, long d, double eps) {
        boolean tf = !weights.has(name + ".weight") && weights.has(name + ".gamma");
        Var gamma = weights.vector(name + (tf ? ".gamma" : ".weight"), d);
        Var beta = weights.vector(name + (tf ? ".beta" : ".bias"), d);
        return x -> Norms.layerNorm(x, gamma, beta, eps);
    }
}
