package org.neurosweep.hook;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An index set over a hook point's activation: batch rows × sequence positions × heads × features (last axis);
 * an unrestricted axis selects everything. Immutable; {@code rows(..)} etc. return restricted copies.
 * Positions are absolute sequence indices (see {@link HookContext}).
 */
public final class Select {
    private static final Select ALL = new Select(null, null, null, null);

    private final int[] rows;
    private final int[] positions;
    private final int[] heads;
    private final int[] features;

    private Select(int[] rows, int[] positions, int[] heads, int[] features) {
        this.rows = rows;
        this.positions = positions;
        this.heads = heads;
        this.features = features;
    }

    public static Select all() {
        return ALL;
    }

    public static Select at(int... positions) {
        return ALL.positions(positions);
    }

    public Select rows(int... batchRows) {
        return new Select(batchRows.clone(), positions, heads, features);
    }

    public Select positions(int... seqIndices) {
        return new Select(rows, seqIndices.clone(), heads, features);
    }

    public Select heads(int... headIds) {
        return new Select(rows, positions, headIds.clone(), features);
    }

    public Select features(int... lastAxis) {
        return new Select(rows, positions, heads, lastAxis.clone());
    }

    /**
     * The 0/1 indicator of this set for an activation of {@code shape}, as an fp32 array that broadcasts against
     * it: unrestricted axes have size 1.
     */
    INDArray indicator(long[] shape, HookContext ctx) {
        Layout layout = ctx.layout();
        int rank = shape.length;
        if (heads != null && layout.headAxis() < 0) {
            throw new IllegalArgumentException("hook " + ctx.name() + " has no head axis; cannot select heads");
        }
        long[] ind = new long[rank];
        Arrays.fill(ind, 1);
        boolean tokenRestricted = rows != null || positions != null;
        int seq = layout.seqAxis();
        if (tokenRestricted) {
            ind[0] = shape[0];
            if (seq >= 0) {
                ind[seq] = shape[seq];
            }
        }
        if (heads != null) {
            ind[layout.headAxis()] = shape[layout.headAxis()];
        }
        if (features != null) {
            ind[rank - 1] = shape[rank - 1];
        }
        float[] values = new float[(int) product(ind)];
        int[] idx = new int[rank];                                  // odometer over the indicator's shape
        for (int i = 0; i < values.length; i++) {
            values[i] = contains(idx, ctx, seq) ? 1f : 0f;
            for (int a = rank - 1; a >= 0 && ++idx[a] == ind[a]; a--) {
                idx[a] = 0;
            }
        }
        return Nd4j.create(values, ind, DataType.FLOAT);
    }

    private boolean contains(int[] idx, HookContext ctx, int seq) {
        int rank = idx.length;
        if (features != null && !member(features, idx[rank - 1])) {
            return false;
        }
        Layout layout = ctx.layout();
        if (heads != null && !member(heads, idx[layout.headAxis()])) {
            return false;
        }
        if (rows == null && positions == null) {
            return true;
        }
        int row;
        int position;
        if (layout == Layout.ROUTED) {
            int token = ctx.tokenOf(idx[0]);
            row = token / ctx.length();
            position = ctx.offset() + token % ctx.length();
        } else {
            row = idx[0];
            position = ctx.position(row, idx[seq]);
        }
        return (rows == null || member(rows, row)) && (positions == null || member(positions, position));
    }

    private static boolean member(int[] set, int v) {
        for (int s : set) {
            if (s == v) {
                return true;
            }
        }
        return false;
    }

    private static long product(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    @Override
    public String toString() {
        return "Select[rows=" + Arrays.toString(rows) + ", positions=" + Arrays.toString(positions)
                + ", heads=" + Arrays.toString(heads) + ", features=" + Arrays.toString(features) + "]";
    }
}
