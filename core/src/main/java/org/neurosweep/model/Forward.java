package org.neurosweep.model;

import java.util.Map;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.Captures;

/**
 * The result of one forward pass. It holds the pass's ND4J workspace open until {@link #close()}: logits and
 * watched activations are valid until then (run a backward pass before closing; {@code detach()} what must
 * outlive it). Captures are already detached. Forwards on one thread must be closed in reverse order of
 * creation; use try-with-resources.
 */
public final class Forward implements AutoCloseable {
    private final Batch batch;
    private final Var logits;
    private final int[][] logitPositions;
    private final Captures captures;
    private final Map<String, Var> watched;
    private final Runnable onClose;
    private boolean closed;

    Forward(Batch batch, Var logits, int[][] logitPositions, Captures captures, Map<String, Var> watched,
            Runnable onClose) {
        this.batch = batch;
        this.logits = logits;
        this.logitPositions = logitPositions;
        this.captures = captures;
        this.watched = watched;
        this.onClose = onClose;
    }

    public Batch batch() {
        return batch;
    }

    /** Logits (b, n, vocab) at the batch's {@link LogitsAt} positions, fp32. */
    public Var logits() {
        return logits;
    }

    /** For logits column j of row r: the token index within this forward ({@code logitPositions()[r][j]}). */
    public int[][] logitPositions() {
        int[][] copy = new int[logitPositions.length][];
        for (int r = 0; r < copy.length; r++) {
            copy[r] = logitPositions[r].clone();
        }
        return copy;
    }

    /** Activations captured by the hooks, detached. */
    public Captures captures() {
        return captures;
    }

    /** A hook activation registered with {@code Hooks.watch}: after a backward pass its grad() is set. */
    public Var watched(String name) {
        Var v = watched.get(name);
        if (v == null) {
            throw new IllegalArgumentException("hook " + name + " was not watched; watched: " + watched.keySet());
        }
        return v;
    }

    /** Releases the workspace; logits and watched activations become invalid. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }
}
