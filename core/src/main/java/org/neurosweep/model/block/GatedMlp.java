package org.neurosweep.model.block;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Linear;
import org.neurosweep.autograd.Shapes;
import org.neurosweep.autograd.Tape;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Layout;
import org.neurosweep.model.Activation;
import org.neurosweep.model.Weights;

/**
 * SwiGLU MLP: down(act(gate(x)) ⊙ up(x)); neuron k's activation is act(G_k·x)·(U_k·x). Used dense, as a routed
 * expert and as a shared expert.
 */
public final class GatedMlp implements FeedForward {
    private final Projection gate;
    private final Projection up;
    private final Projection down;
    private final Activation activation;
    /** (d, 2·ffn) f-order, gate's columns then up's, sharing their memory; null when they are separate arrays. */
    private final Var gateUp;

    public GatedMlp(Projection gate, Projection up, Projection down, Activation activation) {
        this(gate, up, down, activation, null);
    }

    private GatedMlp(Projection gate, Projection up, Projection down, Activation activation, INDArray gateUp) {
        this.gate = gate;
        this.up = up;
        this.down = down;
        this.activation = activation;
        this.gateUp = gateUp == null ? null : Var.constant(gateUp);
    }

    /**
     * Binds {@code gateName}, {@code upName}, {@code downName} of width {@code ffn}. Without biases, gate and up are
     * views of one joint matrix, so that inference computes both in one GEMM.
     */
    public static GatedMlp bind(Weights w, String gateName, String upName, String downName, long d, long ffn,
                                boolean bias, Activation activation) {
        if (bias) {
            return new GatedMlp(Projection.bind(w, gateName, d, ffn, true), Projection.bind(w, upName, d, ffn, true),
                    Projection.bind(w, downName, ffn, d, true), activation);
        }
        Weights.ProjectionPair pair = w.projectionPair(gateName + ".weight", upName + ".weight", ffn, d);
        return new GatedMlp(new Projection(pair.first(), null), new Projection(pair.second(), null),
                Projection.bind(w, downName, ffn, d, false), activation, pair.joint());
    }

    /** Dense use: hooks {@code mlp.pre} (gate pre-activation) and {@code mlp.post} (neuron activations). */
    @Override
    public Var forward(Var x, ForwardContext ctx, int layer) {
        HookNames.Layer names = HookNames.layer(layer);
        return apply(x, v -> ctx.hooks().at(names.mlpPre, Layout.TOKENS, v),
                v -> ctx.hooks().at(names.mlpPost, Layout.TOKENS, v));
    }

    /** x (..., d) → (..., d), passing the gate pre-activation and the neuron activations through the given hooks. */
    public Var apply(Var x, UnaryOperator<Var> preHook, UnaryOperator<Var> postHook) {
        Var gated;
        Var upOut;
        if (gateUp != null && !Tape.isRecording()) {
            // inference: one GEMM for both, (..., 2·ffn), split into views; with a tape the separate products keep
            // each weight's gradient its own
            Var both = Linear.linear(x, gateUp, null);
            long ffn = gate.out();
            gated = Shapes.slice(both, -1, 0, ffn);
            upOut = Shapes.slice(both, -1, ffn, 2 * ffn);
        } else {
            gated = gate.apply(x);
            upOut = up.apply(x);
        }
        Var pre = preHook.apply(gated);
        Var post = postHook.apply(Elementwise.mul(Neurons.activate(activation, pre), upOut));
        return down.apply(post);
    }
}
