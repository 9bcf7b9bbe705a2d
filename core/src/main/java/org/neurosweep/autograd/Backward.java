package org.neurosweep.autograd;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The backward step of one recorded op: given the gradient of its output, adds the gradients of its
 * inputs into them (through {@link Var#addGrad}). The output gradient must not be mutated.
 */
@FunctionalInterface
public interface Backward {
    void apply(INDArray outputGrad);
}
