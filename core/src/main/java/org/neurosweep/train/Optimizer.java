package org.neurosweep.train;

import java.util.List;
import org.neurosweep.autograd.Var;

/**
 * Updates parameter values in place from their accumulated gradients. Parameters whose gradient is
 * null (not reached by any backward pass) are left alone; state is kept per parameter, outside any
 * workspace, and is tied to the order of the list given at construction.
 */
public interface Optimizer {

    /** One update with learning rate {@code learningRate}; does not clear the gradients. */
    void step(double learningRate);

    /** The parameters this optimizer updates. */
    List<Var> parameters();
}
