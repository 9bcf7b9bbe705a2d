package org.neurosweep.model.block;

import org.neurosweep.autograd.Activations;
import org.neurosweep.autograd.Var;
import org.neurosweep.model.Activation;

/** Applies a config's {@link Activation} as an autograd op. */
public final class Neurons {

    private Neurons() {
    }

    public static Var activate(Activation act, Var x) {
        return switch (act) {
            case SILU -> Activations.silu(x);
            case GELU -> Activations.gelu(x);
            case GELU_TANH -> Activations.geluTanh(x);
        };
    }
}
