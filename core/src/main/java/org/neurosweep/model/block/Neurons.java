package org.neurosweep.model.block;

import org.neurosweep.autograd.Activations;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Tape;
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

    /**
     * A gated MLP's neurons act(gate) ⊙ up, gate and up (..., ffn). With a tape, SwiGLU is one op
     * ({@link Activations#siluGated}) that keeps only its output for backward; otherwise the activation and the product.
     */
    public static Var gated(Activation act, Var gate, Var up) {
        if (act == Activation.SILU && Tape.recording(gate, up)) {
            return Activations.siluGated(gate, up);
        }
        return Elementwise.mul(activate(act, gate), up);
    }
}
