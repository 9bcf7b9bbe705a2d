/**
 * Reverse-mode differentiation over ND4J arrays, in the style of micrograd and llm.c: each primitive
 * has a forward and a hand-written backward; SameDiff is not used.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link org.neurosweep.autograd.Var} wraps an {@code INDArray} value (FLOAT; DOUBLE in gradient
 *       checks) and, after a backward pass, its gradient. {@code Var.param} makes a leaf whose
 *       gradient is wanted (weights, adapters), {@code Var.constant} one without, {@code Var.watch()}
 *       turns any Var (a hook-point activation) into a gradient target. Integer index arrays (token
 *       ids, expert ids, positions) are plain {@code INDArray}/{@code int[]} arguments.</li>
 *   <li>{@link org.neurosweep.autograd.Tape} is per thread. Inside
 *       {@code try (Tape tape = Tape.record()) { ...; tape.backward(loss); }} an op records its backward
 *       step when one of its inputs requires grad; with no tape open, or no input requiring grad, the
 *       op costs one branch over its plain ND4J forward and returns a constant.</li>
 *   <li>During backward, gradients accumulate ({@code +=}) into every recorded Var that requires grad.
 *       Gradient targets keep theirs afterwards: params (accumulating across passes until
 *       {@code zeroGrad()}) and watched Vars ({@code hookVar.grad()} is the gradient at a watched hook
 *       point); their gradients live outside ND4J workspaces. Other intermediates' gradients are
 *       released as the pass moves on, so a backward pass holds the forward's activations plus one
 *       segment of temporaries (see {@link org.neurosweep.autograd.Tape}).</li>
 *   <li>Ops are static methods grouped by kind: {@link org.neurosweep.autograd.Linear},
 *       {@link org.neurosweep.autograd.Elementwise}, {@link org.neurosweep.autograd.Reductions},
 *       {@link org.neurosweep.autograd.Shapes}, {@link org.neurosweep.autograd.Norms},
 *       {@link org.neurosweep.autograd.Activations}, {@link org.neurosweep.autograd.Rope},
 *       {@link org.neurosweep.autograd.Embedding}, {@link org.neurosweep.autograd.Attention},
 *       {@link org.neurosweep.autograd.Routing}, {@link org.neurosweep.autograd.Losses}. They never
 *       mutate their inputs; an output may be a view of an input (reshape, permute, slice), so do not
 *       mutate outputs either: copy first. New ops outside this package are defined with
 *       {@link org.neurosweep.autograd.Tape#op} and {@link org.neurosweep.autograd.Var#addGrad}.</li>
 *   <li>Outputs take the dtype of the inputs. Weights for {@code Linear.linear} are (in, out), laid
 *       out f-order once at load, so that x·W over all tokens is one GEMM.</li>
 *   <li>Workspaces: ops allocate in the current ND4J workspace. A step keeps references to arrays of
 *       the forward, so run the forward and its backward inside one workspace scope and detach what
 *       must outlive it (target gradients already are).</li>
 * </ul>
 */
package org.neurosweep.autograd;
