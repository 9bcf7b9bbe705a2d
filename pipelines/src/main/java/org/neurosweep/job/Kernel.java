package org.neurosweep.job;

/**
 * The executor-side code of a job: computes the rows of one {@link WorkUnit}.
 *
 * <p>One kernel serves all task threads of an executor JVM, so it must keep per-unit state on the stack (or in
 * thread-confined buffers); what it caches across units (compiled prompts, lookup tables) must be thread-safe.
 * Weights come from {@code in.model()}, which loads them through the executor's model cache on first use.
 *
 * <p>Bad input records are reported with {@link RowSink#badRecords} and skipped; anything thrown fails the unit
 * (recorded in the manifest with its message) without stopping the sweep. Rows written before a failure are
 * discarded: a unit's outputs become visible only when it completes.
 */
@FunctionalInterface
public interface Kernel {

    void run(WorkUnit unit, UnitInputs in, RowSink out) throws Exception;
}
