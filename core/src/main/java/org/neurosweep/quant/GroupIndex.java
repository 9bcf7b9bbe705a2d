package org.neurosweep.quant;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The group index map G(i) of a group-wise quantized layer ({@code g_idx} in GPTQ checkpoints): input column i of a
 * weight (out, in) uses the scale and zero of group G(i). Every group has exactly {@code groupSize} columns; they
 * are contiguous ({@code G(i) = i / g}) unless the layer was quantized in activation order.
 *
 * <p>Per-group operations are GEMMs with the one-hot membership matrix E (in, groups), {@code E[i, G(i)] = 1}:
 * {@link #expand} broadcasts a per-group value to its columns (x·Eᵀ), {@link #sum} adds the columns of each group
 * (x·E). Both are exact: expand multiplies by 1 and adds zeros; sums of integer-valued floats below 2^24 are exact in
 * any order.
 */
public final class GroupIndex {

    private final int[] groupOf;
    private final int groupSize;
    private final int groups;
    /** (in, groups) f-order one-hot membership. */
    private final INDArray membership;

    private GroupIndex(int[] groupOf, int groupSize) {
        this.groupOf = groupOf;
        this.groupSize = groupSize;
        this.groups = groupOf.length / groupSize;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            this.membership = Nd4j.create(DataType.FLOAT, new long[] {groupOf.length, groups}, 'f');
        }
        for (int i = 0; i < groupOf.length; i++) {
            membership.putScalar(i, groupOf[i], 1f);
        }
    }

    /** Groups of {@code groupSize} consecutive columns of an {@code in}-wide weight. */
    public static GroupIndex contiguous(int in, int groupSize) {
        checkSizes(in, groupSize);
        int[] g = new int[in];
        for (int i = 0; i < in; i++) {
            g[i] = i / groupSize;
        }
        return new GroupIndex(g, groupSize);
    }

    /**
     * A stored {@code g_idx}: one group per input column; every group in 0..in/groupSize−1 must have exactly
     * {@code groupSize} columns.
     */
    public static GroupIndex of(int[] gIdx, int groupSize) {
        check(gIdx, groupSize);
        return new GroupIndex(gIdx.clone(), groupSize);
    }

    /** Checks a stored {@code g_idx} as {@link #of} does, without building the index; returns the number of groups. */
    static int check(int[] gIdx, int groupSize) {
        checkSizes(gIdx.length, groupSize);
        int groups = gIdx.length / groupSize;
        int[] count = new int[groups];
        for (int i = 0; i < gIdx.length; i++) {
            if (gIdx[i] < 0 || gIdx[i] >= groups) {
                throw new IllegalArgumentException("g_idx[" + i + "] = " + gIdx[i] + " is outside 0.." + (groups - 1));
            }
            count[gIdx[i]]++;
        }
        for (int g = 0; g < groups; g++) {
            if (count[g] != groupSize) {
                throw new IllegalArgumentException("g_idx gives group " + g + " " + count[g] + " columns, not " + groupSize);
            }
        }
        return groups;
    }

    private static void checkSizes(int in, int groupSize) {
        if (groupSize < 1 || in % groupSize != 0) {
            throw new IllegalArgumentException("group size " + groupSize + " does not divide the " + in + " input columns");
        }
    }

    /** Per-group values (out, groups) → per-column values (out, in), c-order. */
    public INDArray expand(INDArray perGroup) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, new long[] {in(), perGroup.size(0)}, 'f');
        Nd4j.gemm(membership, perGroup, out, false, true, 1.0, 0.0);   // (in, out) f-order = (out, in) c-order
        return out.transpose();
    }

    /** Per-column values (out, in) → their sums per group (out, groups). */
    public INDArray sum(INDArray perColumn) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, new long[] {perColumn.size(0), groups}, 'f');
        Nd4j.gemm(perColumn, membership, out, false, false, 1.0, 0.0);
        return out;
    }

    public int in() {
        return groupOf.length;
    }

    public int groups() {
        return groups;
    }

    public int groupSize() {
        return groupSize;
    }

    /** The group of input column i. */
    public int groupOf(int i) {
        return groupOf[i];
    }

    /** A copy of G as stored ({@code g_idx}). */
    public int[] toArray() {
        return groupOf.clone();
    }

    public boolean isContiguous() {
        for (int i = 0; i < groupOf.length; i++) {
            if (groupOf[i] != i / groupSize) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupIndex other && groupSize == other.groupSize && Arrays.equals(groupOf, other.groupOf);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(groupOf) + groupSize;
    }
}
