package org.neurosweep.model.check;

/**
 * Computes our counterpart of some reference tensors and compares them. The built-in checks cover activations,
 * logits and greedy ids; more (e.g. integrated gradients, {@code ig.*}) plug in through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/org.neurosweep.model.check.TensorCheck}) or
 * {@link ReferenceCheck#run(org.neurosweep.model.CausalLM, org.neurosweep.tensor.TensorSource, Tolerance, java.util.List)}.
 */
public interface TensorCheck {

    /** True when this check computes the reference tensor {@code name}. */
    boolean handles(String name);

    /** Our value of {@code name} against the reference's, with {@link ReferenceRun}'s comparison helpers. */
    CheckResult check(String name, ReferenceRun run);
}
