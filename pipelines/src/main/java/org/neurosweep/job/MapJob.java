package org.neurosweep.job;

/**
 * The map shape: each unit (model, checkpoint, dataset slice, parameters) becomes rows independently. The engine
 * sorts units by model so that consecutive tasks of an executor reuse the model it has loaded.
 */
public non-sealed interface MapJob extends Job {

    KernelFactory kernels();
}
