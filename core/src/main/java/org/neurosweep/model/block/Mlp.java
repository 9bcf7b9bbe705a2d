package org.neurosweep.model.block;

import org.neurosweep.autograd.Var;
import org.neurosweep.hook.HookNames;
import org.neurosweep.hook.Layout;
import org.neurosweep.model.Activation;

/** Two-layer MLP: out(act(in(x))) (GPT-NeoX dense_h_to_4h / dense_4h_to_h). */
public final class Mlp implements FeedForward {
    private final Projection in;
    private final Projection out;
    private final Activation activation;

    public Mlp(Projection in, Projection out, Activation activation) {
        this.in = in;
        this.out = out;
        this.activation = activation;
    }

    /** Hooks {@code mlp.pre} (pre-activation) and {@code mlp.post} (neuron activations, the input of {@code out}). */
    @Override
    public Var forward(Var x, ForwardContext ctx, int layer) {
        HookNames.Layer names = HookNames.layer(layer);
        Var pre = ctx.hooks().at(names.mlpPre, Layout.TOKENS, in.apply(x));
        Var post = ctx.hooks().at(names.mlpPost, Layout.TOKENS, Neurons.activate(activation, pre));
        return out.apply(post);
    }
}
