/**
 * The transformer runtime: HF checkpoints of the supported families (docs/DESIGN.md, "The runtime": causal decoders
 * and BERT as a masked LM) run on ND4J, written once against the autograd ops so that inference (no tape) and
 * gradients (tape open) share one definition.
 *
 * <h2>API</h2>
 * <ul>
 *   <li>{@link org.neurosweep.model.CausalLM}: {@code load(dir)}, {@code config()},
 *       {@code forward(Batch, Hooks, KvCache)}, {@code newCache(b, capacity)}, {@code hookNames()},
 *       {@code parameters()}.</li>
 *   <li>{@link org.neurosweep.model.Batch}: ids (b, t), mask (left or right padding), RoPE positions, and
 *       {@link org.neurosweep.model.LogitsAt} (all / last real token / chosen positions).</li>
 *   <li>{@link org.neurosweep.model.Forward}: logits (b, n, V) as a Var, captures, watched hook Vars; holds
 *       the forward's workspace until closed.</li>
 *   <li>{@link org.neurosweep.model.KvCache}: keys/values per layer for incremental decoding;
 *       {@code Batch.continuing(cache, next)} builds the next step.</li>
 *   <li>{@link org.neurosweep.model.ModelConfig} reads {@code config.json} in both key spellings;
 *       {@link org.neurosweep.model.ArchitectureRegistry} maps {@code model_type} to a family in
 *       {@code model.family}; the shared building blocks live in {@code model.block};
 *       {@code model.check.ReferenceCheck} compares a checkpoint with a reference dump.</li>
 * </ul>
 *
 * <h2>Performance</h2>
 * Weights are laid out once at load as (in, out) f-order GEMM operands; every projection is one GEMM over all
 * tokens of the batch; RoPE is a small GEMM plus contiguous elementwise ops; MoE blocks group tokens per expert
 * (one GEMM per expert projection, one scatter-add back); each forward runs in an ND4J workspace, and without a
 * tape each block in an inner one, so inference keeps one block's intermediates alive.
 */
package org.neurosweep.model;
