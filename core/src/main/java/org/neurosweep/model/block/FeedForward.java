package org.neurosweep.model.block;

import org.neurosweep.autograd.Var;

/** The second sublayer of a decoder block: a dense MLP or a mixture of experts. */
public interface FeedForward {

    /** x (b, t, d), already normalized → sublayer output (b, t, d), before the {@code mlp_out} hook. */
    Var forward(Var x, ForwardContext ctx, int layer);
}
