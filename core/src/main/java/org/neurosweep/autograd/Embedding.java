package org.neurosweep.autograd;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Token-embedding lookup. */
public final class Embedding {

    private Embedding() {
    }

    /** ids (b, t) integer, table (V, d) → (b, t, d); the backward scatter-adds into the table rows. */
    public static Var embedding(INDArray ids, Var table) {
        if (ids.rank() != 2 || table.rank() != 2) {
            throw new IllegalArgumentException("embedding: ids " + Arrays.toString(ids.shape())
                    + " must be (b, t) and table " + Arrays.toString(table.shape()) + " (V, d)");
        }
        int[] flat = ids.reshape(ids.length()).toIntVector();
        long vocab = table.size(0);
        Shapes.checkIndices(flat, vocab, "embedding (token id)");
        long d = table.size(1);
        INDArray rows = Shapes.gather(table.value(), flat, 0);              // (b·t, d)
        INDArray out = rows.reshape('c', ids.size(0), ids.size(1), d);
        return Tape.op(out, g -> table.accumulateOwned(
                Shapes.scatterAdd(g.reshape('c', flat.length, d), flat, 0, table.shape())), table);
    }
}
