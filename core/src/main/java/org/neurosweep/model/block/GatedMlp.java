package org.neurosweep.model.block;

import java.util.function.UnaryOperator;
import org.neurosweep.autograd.Elementwise;
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

    public GatedMlp(Projection gate, Projection up, Projection down, Activation activation) {
        this.gate = gate;
        this.up = up;
        this.down = down;
        this.activation = activation;
    }

    /** Binds {@code prefix.gate/up/down} (or the given projection names) of width {@code ffn}. */
    public static GatedMlp bind(Weights w, String gateName, String upName, String downName, long d, long ffn,
                                boolean bias, Activation activation) {
        return new GatedMlp(Projection.bind(w, gateName, d, ffn, bias), Projection.bind(w, upName, d, ffn, bias),
                Projection.bind(w, downName, ffn, d, bias), activation);
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
        Var pre = preHook.apply(gate.apply(x));
        Var post = postHook.apply(Elementwise.mul(Neurons.activate(activation, pre), up.apply(x)));
        return down.apply(post);
    }
}
