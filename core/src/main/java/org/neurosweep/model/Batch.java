package org.neurosweep.model;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The input of one forward: token ids (b, t), attention mask (b, t) with 1 = real token and 0 = padding (left or
 * right), RoPE positions (b, t), and which positions need logits. Positions default to the count of real tokens
 * before each token (HF's {@code cumsum(mask) − 1}), so a left-padded row sees the same positions as unpadded;
 * after a {@link KvCache} they continue from the cached real tokens. Immutable.
 */
public final class Batch {
    private final int size;
    private final int length;
    private final int[] ids;
    private final int[] mask;
    private final int[] positions;
    private final LogitsAt logitsAt;

    private Batch(int size, int length, int[] ids, int[] mask, int[] positions, LogitsAt logitsAt) {
        this.size = size;
        this.length = length;
        this.ids = ids;
        this.mask = mask;
        this.positions = positions;
        this.logitsAt = logitsAt;
    }

    /** Rows of equal length, no padding. */
    public static Batch of(int[]... rows) {
        int t = rows.length == 0 ? 0 : rows[0].length;
        int[][] mask = new int[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != t) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " tokens, row 0 has " + t
                        + "; use leftPadded or rightPadded");
            }
            mask[r] = new int[t];
            Arrays.fill(mask[r], 1);
        }
        return masked(rows, mask);
    }

    /** Ids and mask as given (b, t); positions from the mask. */
    public static Batch masked(int[][] ids, int[][] mask) {
        int b = ids.length;
        int t = b == 0 ? 0 : ids[0].length;
        int[] flatIds = new int[b * t];
        int[] flatMask = new int[b * t];
        for (int r = 0; r < b; r++) {
            if (ids[r].length != t || mask[r].length != t) {
                throw new IllegalArgumentException("row " + r + ": ids and mask must all have length " + t);
            }
            for (int j = 0; j < t; j++) {
                if (mask[r][j] != 0 && mask[r][j] != 1) {
                    throw new IllegalArgumentException("mask[" + r + "][" + j + "] = " + mask[r][j] + "; must be 0 or 1");
                }
                flatIds[r * t + j] = ids[r][j];
                flatMask[r * t + j] = mask[r][j];
            }
        }
        return new Batch(b, t, flatIds, flatMask, positionsFrom(flatMask, b, t, new int[b]), LogitsAt.all());
    }

    /** Sequences of any lengths, padded on the left with {@code padId} (the layout for batched generation). */
    public static Batch leftPadded(List<int[]> rows, int padId) {
        return padded(rows, padId, true);
    }

    /** Sequences of any lengths, padded on the right with {@code padId}. */
    public static Batch rightPadded(List<int[]> rows, int padId) {
        return padded(rows, padId, false);
    }

    /**
     * The next tokens after those in {@code cache}: one row per cache row, equal lengths, all real; positions
     * continue from each row's cached real-token count.
     */
    public static Batch continuing(KvCache cache, int[]... rows) {
        if (rows.length != cache.batch()) {
            throw new IllegalArgumentException(rows.length + " rows for a cache of " + cache.batch());
        }
        Batch plain = of(rows);
        int[] start = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            start[r] = cache.realTokens(r);
        }
        return new Batch(plain.size, plain.length, plain.ids, plain.mask,
                positionsFrom(plain.mask, plain.size, plain.length, start), LogitsAt.all());
    }

    /** This batch computing logits only at {@code at}. */
    public Batch logitsAt(LogitsAt at) {
        return new Batch(size, length, ids, mask, positions, at);
    }

    public LogitsAt logitsAt() {
        return logitsAt;
    }

    /** Number of rows b. */
    public int size() {
        return size;
    }

    /** Tokens per row t (padding included). */
    public int length() {
        return length;
    }

    public int id(int row, int j) {
        return ids[row * length + j];
    }

    public boolean isReal(int row, int j) {
        return mask[row * length + j] == 1;
    }

    public int position(int row, int j) {
        return positions[row * length + j];
    }

    /** Index of the last real token of {@code row} (t − 1 for left padding), or −1 if it has none. */
    public int lastReal(int row) {
        for (int j = length - 1; j >= 0; j--) {
            if (isReal(row, j)) {
                return j;
            }
        }
        return -1;
    }

    /** Real tokens in {@code row}. */
    public int realTokens(int row) {
        int n = 0;
        for (int j = 0; j < length; j++) {
            n += mask[row * length + j];
        }
        return n;
    }

    /** Token ids as an INT array (b, t). */
    public INDArray idArray() {
        return Nd4j.createFromArray(ids).reshape(size, length);
    }

    private static Batch padded(List<int[]> rows, int padId, boolean left) {
        int t = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[][] ids = new int[rows.size()][t];
        int[][] mask = new int[rows.size()][t];
        for (int r = 0; r < rows.size(); r++) {
            int[] row = rows.get(r);
            int start = left ? t - row.length : 0;
            Arrays.fill(ids[r], padId);
            System.arraycopy(row, 0, ids[r], start, row.length);
            Arrays.fill(mask[r], start, start + row.length, 1);
        }
        return masked(ids, mask);
    }

    // real token j gets (real tokens before it in the row) + start; padding gets the position of its neighbour
    private static int[] positionsFrom(int[] mask, int b, int t, int[] start) {
        int[] pos = new int[b * t];
        for (int r = 0; r < b; r++) {
            int seen = start[r];
            for (int j = 0; j < t; j++) {
                int m = mask[r * t + j];
                pos[r * t + j] = m == 1 ? seen : Math.max(seen - 1, 0);
                seen += m;
            }
        }
        return pos;
    }
}
