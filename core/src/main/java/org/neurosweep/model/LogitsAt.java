package org.neurosweep.model;

import java.util.Arrays;

/**
 * The positions whose logits a forward computes, to spare the unembedding (d × vocab per position) where only
 * some are needed: every position, the last real token of each row (generation), or chosen positions.
 */
public final class LogitsAt {
    private static final LogitsAt ALL = new LogitsAt(Kind.ALL, null);
    private static final LogitsAt LAST = new LogitsAt(Kind.LAST, null);

    private enum Kind { ALL, LAST, POSITIONS }

    private final Kind kind;
    private final int[] positions;

    private LogitsAt(Kind kind, int[] positions) {
        this.kind = kind;
        this.positions = positions;
    }

    /** Every token of the forward: logits (b, t, V). */
    public static LogitsAt all() {
        return ALL;
    }

    /** The last real (mask 1) token of each row: logits (b, 1, V). */
    public static LogitsAt last() {
        return LAST;
    }

    /** Token indices within this forward (0 .. t−1), the same for every row: logits (b, n, V). */
    public static LogitsAt positions(int... tokenIndices) {
        if (tokenIndices.length == 0) {
            throw new IllegalArgumentException("logits at no position; use LogitsAt.last() for the cheapest forward");
        }
        return new LogitsAt(Kind.POSITIONS, tokenIndices.clone());
    }

    public boolean isAll() {
        return kind == Kind.ALL;
    }

    /** Per batch row, the token indices (within this forward) whose logits are computed. */
    int[][] select(Batch batch) {
        int b = batch.size();
        int t = batch.length();
        int[][] out = new int[b][];
        for (int r = 0; r < b; r++) {
            out[r] = switch (kind) {
                case ALL -> range(t);
                case LAST -> new int[] {batch.lastReal(r)};
                case POSITIONS -> checked(t);
            };
        }
        return out;
    }

    private int[] checked(int t) {
        for (int p : positions) {
            if (p < 0 || p >= t) {
                throw new IllegalArgumentException("logit position " + p + " outside the forward's tokens 0.." + (t - 1));
            }
        }
        return positions.clone();
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        Arrays.setAll(r, i -> i);
        return r;
    }

    @Override
    public String toString() {
        return kind == Kind.POSITIONS ? "LogitsAt" + Arrays.toString(positions) : "LogitsAt." + kind;
    }
}
