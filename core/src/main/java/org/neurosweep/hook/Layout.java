package org.neurosweep.hook;

/** Where the batch, sequence and head axes of a hook point's activation lie. */
public enum Layout {
    /** (b, t, ...): residual stream, sublayer outputs, neurons, router logits. */
    TOKENS(1, -1),
    /** (b, heads, t, ...): q, k, v, attention scores and pattern. */
    HEADS_FIRST(2, 1),
    /** (b, t, heads, dh): per-head attention outputs. */
    HEADS_LAST(1, 2),
    /** (n, ...): one row per token routed to an expert; {@link HookContext#tokenOf} maps rows to tokens. */
    ROUTED(-1, -1);

    private final int seqAxis;
    private final int headAxis;

    Layout(int seqAxis, int headAxis) {
        this.seqAxis = seqAxis;
        this.headAxis = headAxis;
    }

    /** The sequence axis, -1 for {@link #ROUTED}. */
    public int seqAxis() {
        return seqAxis;
    }

    /** The head axis, -1 where there is none. */
    public int headAxis() {
        return headAxis;
    }
}
