package org.neurosweep.autograd;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Views, gathers and their adjoints. Outputs may be views of the input; ops never write to inputs. */
public final class Shapes {

    private Shapes() {
    }

    /** The same elements in c-order under a new shape (one dim may be -1). */
    public static Var reshape(Var x, long... shape) {
        INDArray out = x.value().reshape('c', shape);
        long[] in = x.shape();
        return Tape.op(out, g -> x.addGrad(g.reshape('c', in)), x);
    }

    /** Dims reordered: output dim i is input dim {@code dims[i]}. */
    public static Var permute(Var x, int... dims) {
        if (dims.length != x.rank()) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " for rank " + x.rank());
        }
        INDArray out = x.value().permute(dims);
        int[] inverse = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            inverse[dims[i]] = i;
        }
        return Tape.op(out, g -> x.addGrad(g.permute(inverse)), x);
    }

    /** x restricted to [from, to) along {@code dim}. */
    public static Var slice(Var x, int dim, long from, long to) {
        int d = axis(dim, x.rank());
        if (from < 0 || to > x.size(d) || from >= to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") outside dim " + d
                    + " of " + Arrays.toString(x.shape()));
        }
        INDArrayIndex[] idx = along(x.rank(), d, NDArrayIndex.interval(from, to));
        INDArray out = x.value().get(idx);
        return Tape.op(out, g -> {
            INDArray gx = Nd4j.zeros(g.dataType(), x.shape());
            gx.get(idx).assign(g);
            x.accumulateOwned(gx);
        }, x);
    }

    /** The inputs joined along {@code dim}; all other dims equal. */
    public static Var concat(int dim, Var... xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("concat of nothing");
        }
        int d = axis(dim, xs[0].rank());
        INDArray[] values = new INDArray[xs.length];
        for (int i = 0; i < xs.length; i++) {
            values[i] = xs[i].value();
        }
        INDArray out = Nd4j.concat(d, values);
        return Tape.op(out, g -> {
            long offset = 0;
            for (Var x : xs) {
                long len = x.size(d);
                if (x.requiresGrad()) {
                    x.addGrad(g.get(along(g.rank(), d, NDArrayIndex.interval(offset, offset + len))));
                }
                offset += len;
            }
        }, xs);
    }

    /** Gathers positions {@code idx} along {@code dim} (repeats allowed): out.size(dim) = idx.length. */
    public static Var indexSelect(Var x, int dim, int[] idx) {
        int d = axis(dim, x.rank());
        checkIndices(idx, x.size(d), "indexSelect");
        INDArray out = gather(x.value(), idx, d);
        return Tape.op(out, g -> x.accumulateOwned(scatterAdd(g, idx, d, x.shape())), x);
    }

    /**
     * The adjoint of {@link #indexSelect} along dim 0: a (numRows, ...) array whose row {@code rows[i]}
     * is the sum of {@code updates[i]} over all i naming it; other rows are zero.
     */
    public static Var scatterAddRows(Var updates, int[] rows, long numRows) {
        checkIndices(rows, numRows, "scatterAddRows");
        checkRowCount(updates, rows);
        long[] shape = updates.shape().clone();
        shape[0] = numRows;
        INDArray out = scatterAdd(updates.value(), rows, 0, shape);
        return Tape.op(out, g -> updates.accumulateOwned(gather(g, rows, 0)), updates);
    }

    /** {@code target} with {@code updates[i]} added to its row {@code rows[i]} (MoE: combine expert outputs). */
    public static Var scatterAddRows(Var target, int[] rows, Var updates) {
        checkIndices(rows, target.size(0), "scatterAddRows");
        checkRowCount(updates, rows);
        INDArray out = target.value().dup('c');
        scatterAddInto(out, rows, updates.value());
        return Tape.op(out, g -> {
            target.addGrad(g);
            if (updates.requiresGrad()) {
                updates.accumulateOwned(gather(g, rows, 0));
            }
        }, target, updates);
    }

    /** GQA: (b, kvHeads, t, dh) → (b, kvHeads·nRep, t, dh), output head j reading kv head j / nRep. */
    public static Var repeatKv(Var x, int nRep) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("repeatKv needs (b, kvHeads, t, dh), got " + Arrays.toString(x.shape()));
        }
        if (nRep == 1) {
            return x;
        }
        long[] s = x.shape();
        INDArray out = x.value().repeat(1, nRep);
        return Tape.op(out, g -> x.accumulateOwned(
                g.reshape('c', s[0], s[1], nRep, s[2], s[3]).sum(2)), x);
    }

    /** Inference (nothing taped): rows {@code rows} of x (repeats allowed), a fresh c-order (rows.length, ...). */
    public static INDArray gatherRows(INDArray x, int[] rows) {
        checkIndices(rows, x.size(0), "gatherRows");
        return gather(x, rows, 0);
    }

    static INDArray gather(INDArray x, int[] idx, int dim) {
        return Nd4j.exec(DynamicCustomOp.builder("gather")
                .addInputs(x, Nd4j.createFromArray(idx))
                .addIntegerArguments(dim)
                .build())[0];
    }

    /** A zero array of {@code shape} with g's slices along {@code dim} added at positions idx. */
    static INDArray scatterAdd(INDArray g, int[] idx, int dim, long[] shape) {
        if (dim == 0) {
            INDArray out = Nd4j.zeros(g.dataType(), shape);
            scatterAddInto(out, idx, g);
            return out;
        }
        // move dim to the front, scatter rows, move it back
        int rank = shape.length;
        int[] toFront = new int[rank];
        toFront[0] = dim;
        for (int i = 1, j = 0; i < rank; j++) {
            if (j != dim) {
                toFront[i++] = j;
            }
        }
        long[] frontShape = new long[rank];
        for (int i = 0; i < rank; i++) {
            frontShape[i] = shape[toFront[i]];
        }
        INDArray front = Nd4j.zeros(g.dataType(), frontShape);
        scatterAddInto(front, idx, g.permute(toFront).dup('c'));
        int[] back = new int[rank];
        for (int i = 0; i < rank; i++) {
            back[toFront[i]] = i;
        }
        return front.permute(back);
    }

    /** target[idx[i], ...] += updates[i, ...]; duplicates in idx are summed (the op runs locked). */
    static void scatterAddInto(INDArray target, int[] idx, INDArray updates) {
        Nd4j.exec(DynamicCustomOp.builder("scatter_add")
                .addInputs(target, Nd4j.createFromArray(idx), updates)
                .addOutputs(target)
                .addBooleanArguments(true, false)
                .build());
    }

    static int axis(int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IllegalArgumentException("dim " + dim + " out of range for rank " + rank);
        }
        return d;
    }

    static INDArrayIndex[] along(int rank, int dim, INDArrayIndex index) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        for (int i = 0; i < rank; i++) {
            idx[i] = i == dim ? index : NDArrayIndex.all();
        }
        return idx;
    }

    static void checkIndices(int[] idx, long size, String op) {
        for (int i : idx) {
            if (i < 0 || i >= size) {
                throw new IndexOutOfBoundsException(op + ": index " + i + " outside [0, " + size + ")");
            }
        }
    }

    private static void checkRowCount(Var updates, int[] rows) {
        if (updates.size(0) != rows.length) {
            throw new IllegalArgumentException("scatterAddRows: " + rows.length + " row indices for "
                    + updates.size(0) + " update rows");
        }
    }
}
