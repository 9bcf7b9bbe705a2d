package org.neurosweep.model;

import java.util.Arrays;

/**
 * The positions whose logits a forward computes, to spare the unembedding (d × vocab per position) where only
 * some are needed: every position, the last real token of each row (generation), or chosen positions.
 */
public final class LogitsAt {
    private static final LogitsAt ALL = new LogitsAt(Kind.ALL, null, null);
    private static final LogitsAt LAST = new LogitsAt(Kind.LAST, null, null);

    private enum Kind { ALL, LAST, POSITIONS, PER_ROW }

    private final Kind kind;
    private final int[] positions;
    private final int[][] perRow;

    private LogitsAt(Kind kind, int[] positions, int[][] perRow) {
        this.kind = kind;
        this.positions = positions;
        this.perRow = perRow;
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
        return new LogitsAt(Kind.POSITIONS, tokenIndices.clone(), null);
    }

    /**
     * Row r's own token indices {@code rows[r]}, as many in every row (n): logits (b, n, V). For losses that read
     * ragged positions per row (e.g. response tokens after prompts of different lengths): pad a shorter row by
     * repeating one of its indices, so that only the longest row's count is unembedded per row.
     */
    public static LogitsAt perRow(int[][] rows) {
        if (rows.length == 0 || rows[0].length == 0) {
            throw new IllegalArgumentException("logits at no position; use LogitsAt.last() for the cheapest forward");
        }
        int[][] copy = new int[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != rows[0].length) {
                throw new IllegalArgumentException("per-row logit positions need as many in every row: row 0 has "
                        + rows[0].length + ", row " + r + " has " + rows[r].length);
            }
            copy[r] = rows[r].clone();
        }
        return new LogitsAt(Kind.PER_ROW, null, copy);
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
                case POSITIONS -> checked(positions, t);
                case PER_ROW -> checked(perRowOf(r, b), t);
            };
        }
        return out;
    }

    private int[] perRowOf(int r, int b) {
        if (perRow.length != b) {
            throw new IllegalArgumentException("per-row logit positions for " + perRow.length + " rows, the batch has " + b);
        }
        return perRow[r];
    }

    private static int[] checked(int[] positions, int t) {
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
        return switch (kind) {
            case POSITIONS -> "LogitsAt" + Arrays.toString(positions);
            case PER_ROW -> "LogitsAt.perRow" + Arrays.deepToString(perRow);
            default -> "LogitsAt." + kind;
        };
    }
}
