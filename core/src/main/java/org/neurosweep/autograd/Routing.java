package org.neurosweep.autograd;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** MoE routing: top-k expert selection and the differentiable gather of the selected weights. */
public final class Routing {

    private Routing() {
    }

    /** The k largest entries of each row, largest first: ids (n, k) INT (no gradient) and their values. */
    public record TopK(INDArray ids, Var values) {
    }

    /** x (n, E) → the k largest per row; {@code values} is {@link #gatherLastDim}(x, ids). */
    public static TopK topK(Var x, int k) {
        if (x.rank() != 2 || k < 1 || k > x.size(1)) {
            throw new IllegalArgumentException("topK: k " + k + " for x " + Arrays.toString(x.shape()));
        }
        INDArray values = Nd4j.createUninitialized(x.dataType(), x.size(0), k);
        INDArray ids = Nd4j.createUninitialized(DataType.INT, x.size(0), k);
        Nd4j.exec(DynamicCustomOp.builder("top_k")
                .addInputs(x.value())
                .addOutputs(values, ids)
                .addIntegerArguments(k)
                .addBooleanArguments(true)
                .build());
        return new TopK(ids, gatherLastDim(x, ids));
    }

    /** out[i, j] = x[i, ids[i, j]]: x (n, E), ids (n, k) integer → (n, k). */
    public static Var gatherLastDim(Var x, INDArray ids) {
        if (x.rank() != 2 || ids.rank() != 2 || ids.size(0) != x.size(0)) {
            throw new IllegalArgumentException("gatherLastDim: x " + Arrays.toString(x.shape())
                    + " ids " + Arrays.toString(ids.shape()));
        }
        long n = x.size(0), e = x.size(1), k = ids.size(1);
        int[] flat = flatIndices(ids, e);
        INDArray out = Shapes.gather(x.value().reshape('c', new long[] {n * e}), flat, 0).reshape('c', n, k);
        return Tape.op(out, g -> x.accumulateOwned(
                Shapes.scatterAdd(g.reshape('c', new long[] {n * k}), flat, 0, new long[] {n * e}).reshape('c', n, e)), x);
    }

    /** Row-major offsets row·E + ids[row, j]. */
    private static int[] flatIndices(INDArray ids, long e) {
        int[] local = ids.reshape(ids.length()).toIntVector();
        long k = ids.size(1);
        int[] flat = new int[local.length];
        for (int i = 0; i < local.length; i++) {
            if (local[i] < 0 || local[i] >= e) {
                throw new IndexOutOfBoundsException("gatherLastDim: id " + local[i] + " outside [0, " + e + ")");
            }
            flat[i] = Math.toIntExact((i / k) * e + local[i]);
        }
        return flat;
    }
}
