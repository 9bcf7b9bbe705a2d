/**
 * Hook points and interventions. {@link org.neurosweep.hook.HookNames} holds the architecture-neutral names of
 * DESIGN.md; a {@link org.neurosweep.hook.Hooks} object collects captures (optionally at chosen positions),
 * watches (gradient targets), interventions ({@link org.neurosweep.hook.Edits}: replace, add, scale, zero over a
 * {@link org.neurosweep.hook.Select}), additive attention masks, and MoE routing edits
 * ({@link org.neurosweep.hook.MoeEdits}); the runtime applies them through a per-forward
 * {@link org.neurosweep.hook.HookRun}. Hook activations are autograd Vars, so interventions are differentiable.
 */
package org.neurosweep.hook;
