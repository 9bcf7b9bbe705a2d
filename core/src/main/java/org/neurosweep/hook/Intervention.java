package org.neurosweep.hook;

import org.neurosweep.autograd.Var;

/**
 * A function applied in place of a hook point's activation. It must return a Var of the same shape; build it
 * with autograd ops so that gradients flow through it when a tape records. The input is valid only during the
 * forward call (it may live in the forward's workspace).
 */
@FunctionalInterface
public interface Intervention {
    Var apply(Var activation, HookContext context);
}
