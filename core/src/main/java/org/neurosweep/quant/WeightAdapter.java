package org.neurosweep.quant;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Var;

/**
 * Trainable parameters that define one projection's effective weight. The model runs with that weight as a plain
 * dense matrix; the gradient of the loss with respect to it (a GEMM the tape computes anyway) is carried back to the
 * adapter's parameters by the chain rule in {@link #backward}. Both orientations are the hub's (out, in).
 */
public interface WeightAdapter {

    /** The weight (out, in) the projection should use now, fresh, c-order. */
    INDArray effectiveWeight();

    /** Accumulates d loss/d parameters into {@link #parameters()}' gradients, given d loss/d weight (out, in). */
    void backward(INDArray weightGrad);

    /** The adapter's trainable tensors (an optimizer updates these). */
    List<Var> parameters();
}
