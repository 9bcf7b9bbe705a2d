package org.neurosweep.autograd;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Sums and means. */
public final class Reductions {

    private Reductions() {
    }

    /** Σ of all elements → shape (1). */
    public static Var sum(Var x) {
        INDArray out = Nd4j.scalar(x.dataType(), x.value().sumNumber().doubleValue()).reshape(1);
        return Tape.op(out, g -> x.accumulateOwned(Nd4j.valueArrayOf(x.shape(), g.getDouble(0), x.dataType())), x);
    }

    /** Mean of all elements → shape (1). */
    public static Var mean(Var x) {
        return Elementwise.scale(sum(x), 1.0 / x.value().length());
    }

    /** Σ over {@code dim}, kept as size 1. */
    public static Var sum(Var x, int dim) {
        int d = Shapes.axis(dim, x.rank());
        INDArray out = x.value().sum(true, d);
        return Tape.op(out, g -> x.accumulateOwned(Nd4j.ones(x.dataType(), x.shape()).muli(g)), x);
    }
}
