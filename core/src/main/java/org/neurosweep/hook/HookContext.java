package org.neurosweep.hook;

/**
 * What an intervention knows about the activation it receives: the hook point and how its axes map to batch
 * rows and sequence indices. Sequence indices are absolute within the sequence being decoded: with a KV cache
 * holding {@code offset} positions, the tokens of this forward have indices offset .. offset + length − 1.
 */
public final class HookContext {
    private final String name;
    private final Layout layout;
    private final int batch;
    private final int length;
    private final int offset;
    private final int[] routedTokens;
    private final int[][] logitPositions;

    HookContext(String name, Layout layout, int batch, int length, int offset, int[] routedTokens,
                int[][] logitPositions) {
        this.name = name;
        this.layout = layout;
        this.batch = batch;
        this.length = length;
        this.offset = offset;
        this.routedTokens = routedTokens;
        this.logitPositions = logitPositions;
    }

    public String name() {
        return name;
    }

    public Layout layout() {
        return layout;
    }

    /** Batch rows of this forward. */
    public int batch() {
        return batch;
    }

    /** Tokens per row in this forward. */
    public int length() {
        return length;
    }

    /** Sequence index of this forward's first token (the KV cache length before it). */
    public int offset() {
        return offset;
    }

    /** Sequence index of element {@code j} along the sequence axis of batch row {@code row}. */
    public int position(int row, int j) {
        return logitPositions != null ? logitPositions[row][j] : offset + j;
    }

    /** {@link Layout#ROUTED}: the flat token index (row · length + j) of activation row {@code i}. */
    public int tokenOf(int i) {
        return routedTokens[i];
    }

    /** {@link Layout#ROUTED}: the number of routed rows. */
    public int routedRows() {
        return routedTokens.length;
    }
}
