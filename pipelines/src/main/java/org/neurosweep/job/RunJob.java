package org.neurosweep.job;

/**
 * The run shape: each unit is one training run, a long task of its own. The kernel writes its checkpoints under
 * {@link RowSink#artifacts()} (committed with the unit) and log and evaluation rows to its tables; a grid of runs
 * fans out across executors.
 */
public non-sealed interface RunJob extends Job {

    KernelFactory kernels();
}
