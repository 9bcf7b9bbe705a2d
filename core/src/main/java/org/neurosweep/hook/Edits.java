package org.neurosweep.hook;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Elementwise;
import org.neurosweep.autograd.Var;

/**
 * The standard interventions over an index set: replace, add, scale, zero. Each is differentiable in the
 * activation (replaced entries get gradient 0 from the activation).
 */
public final class Edits {

    private Edits() {
    }

    /** Selected entries become {@code value} (broadcast against the activation, e.g. (d) or (b, 1, d)). */
    public static Intervention replace(Select where, INDArray value) {
        return (v, ctx) -> {
            INDArray ind = where.indicator(v.shape(), ctx);
            INDArray placed = spread(ind, v.shape()).muli(spread(value.castTo(v.dataType()), v.shape()));
            return Elementwise.add(Elementwise.mul(v, Var.constant(ind.rsub(1.0))), Var.constant(placed));
        };
    }

    /** {@code delta} (broadcast against the activation) is added to the selected entries. */
    public static Intervention add(Select where, INDArray delta) {
        return (v, ctx) -> Elementwise.add(v, Var.constant(spread(where.indicator(v.shape(), ctx), v.shape())
                .muli(spread(delta.castTo(v.dataType()), v.shape()))));
    }

    /** Selected entries are multiplied by {@code factor}. */
    public static Intervention scale(Select where, double factor) {
        return (v, ctx) -> Elementwise.mul(v, Var.constant(where.indicator(v.shape(), ctx).muli(factor - 1).addi(1)));
    }

    /** Selected entries become 0. */
    public static Intervention zero(Select where) {
        return scale(where, 0.0);
    }

    /** {@code a} broadcast to {@code shape} as a new array; missing leading axes count as size 1. */
    private static INDArray spread(INDArray a, long[] shape) {
        if (Arrays.equals(a.shape(), shape)) {
            return a.dup();
        }
        long[] padded = new long[shape.length];
        Arrays.fill(padded, 1);
        System.arraycopy(a.shape(), 0, padded, shape.length - a.rank(), a.rank());
        return a.reshape(padded).broadcast(shape);
    }
}
