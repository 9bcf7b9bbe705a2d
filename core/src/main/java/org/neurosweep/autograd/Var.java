package org.neurosweep.autograd;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A node of the computation: an ND4J value and, after {@link Tape#backward}, the gradient of the
 * backward seed with respect to it.
 *
 * <p>Values are never mutated by ops. A Var is a <em>gradient target</em> when it is a parameter
 * ({@link #param}) or was {@link #watch watched}: only targets keep a gradient after a backward pass.
 * Their gradients are allocated outside any ND4J workspace, so they stay valid after the forward's
 * workspace scope closes; a leaf's accumulates across backward passes until {@link #zeroGrad()}.
 */
public final class Var {

    private final INDArray value;
    private final boolean requiresGrad;
    private boolean gradTarget;
    private INDArray grad;
    /** A target's cleared gradient buffer, reused by the next accumulation instead of allocating. */
    private INDArray spare;

    private Var(INDArray value, boolean requiresGrad, boolean gradTarget) {
        if (value == null) {
            throw new IllegalArgumentException("a Var needs a value");
        }
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.gradTarget = gradTarget;
    }

    /** A value that no gradient flows into (inputs, masks, frozen weights). */
    public static Var constant(INDArray value) {
        return new Var(value, false, false);
    }

    /** A leaf whose gradient is wanted: a trainable weight or adapter. */
    public static Var param(INDArray value) {
        return new Var(value, true, true);
    }

    /** A leaf that is a parameter when {@code requiresGrad}, a constant otherwise. */
    public static Var of(INDArray value, boolean requiresGrad) {
        return new Var(value, requiresGrad, requiresGrad);
    }

    /** The result of an op recorded on the tape: its gradient is computed but not retained past the workspace. */
    static Var recorded(INDArray value) {
        return new Var(value, true, false);
    }

    public INDArray value() {
        return value;
    }

    /** d(seed · output)/d(this) for a gradient target, or null when no backward pass reached it. */
    public INDArray grad() {
        return grad;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public long[] shape() {
        return value.shape();
    }

    public long size(int dim) {
        return value.size(dim);
    }

    public int rank() {
        return value.rank();
    }

    public DataType dataType() {
        return value.dataType();
    }

    /**
     * Makes this Var a gradient target: the returned Var requires grad even when nothing it was
     * computed from does, and its gradient outlives the workspace. Ops applied to the returned Var
     * record backward steps from then on.
     */
    public Var watch() {
        if (requiresGrad) {
            gradTarget = true;
            return this;
        }
        return new Var(value, true, true);
    }

    /** The same value with the gradient path cut (a straight-through estimator uses x + detach(f(x) - x)). */
    public Var detach() {
        return constant(value);
    }

    /**
     * Forgets the accumulated gradient (a training step calls this before the next accumulation). The
     * array last returned by {@link #grad()} may be reused for the next gradient of this Var.
     */
    public void zeroGrad() {
        if (gradTarget && grad != null && !grad.isAttached()) {
            spare = grad;
        }
        grad = null;
    }

    /** Forgets the gradient without recycling its array (the tape resets intermediates this way). */
    void clearGrad() {
        grad = null;
    }

    /** Moves a gradient allocated in {@code scratch} into {@code target} (the tape's segmented backward). */
    void moveGradOutOf(MemoryWorkspace scratch, MemoryWorkspace target) {
        if (grad != null && grad.isAttached() && grad.data().getParentWorkspace() == scratch) {
            grad = grad.leverageTo(target.getId(), true);
        }
    }

    /** Drops an intermediate's gradient once the backward pass is done with it; targets keep theirs. */
    void releaseIntermediateGrad() {
        if (!gradTarget) {
            grad = null;
        }
    }

    /** Adds {@code g} (same shape as the value; not kept) into the gradient; for {@link Backward} steps. */
    public void addGrad(INDArray g) {
        if (grad == null) {
            grad = fresh(g);
        } else {
            grad.addi(g);
        }
    }

    /** Like {@link #addGrad} but takes ownership of {@code g}, which no one else may hold or mutate. */
    void accumulateOwned(INDArray g) {
        if (grad != null) {
            grad.addi(g);
        } else if (gradTarget && (g.isAttached() || spare != null)) {
            grad = fresh(g);
        } else {
            grad = g;
        }
    }

    /**
     * For a gradient target receiving its first gradient of a pass: an array of the value's shape in
     * {@code ordering}, now its gradient, for the caller to overwrite entirely (the buffer {@link #zeroGrad} recycled
     * when it has that layout, else a new one outside any workspace); null when a gradient is already there or this
     * is not a target (then {@link #accumulateOwned} applies). A weight's gradient GEMM writes straight into it, with
     * no temporary the size of the weight in the backward's scratch workspace.
     */
    INDArray claimGrad(char ordering) {
        if (!gradTarget || grad != null) {
            return null;
        }
        if (spare != null && spare.ordering() == ordering) {
            grad = spare;
        } else {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                grad = Nd4j.createUninitialized(value.dataType(), value.shape(), ordering);
            }
        }
        spare = null;
        return grad;
    }

    /** A copy of g that this Var owns, laid out like the value (a GEMM weight's gradient stays f-order). */
    private INDArray fresh(INDArray g) {
        if (!gradTarget) {
            return g.dup(value.ordering());
        }
        if (spare != null) {
            INDArray reused = spare.assign(g);
            spare = null;
            return reused;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return g.dup(value.ordering());
        }
    }

    @Override
    public String toString() {
        return "Var" + java.util.Arrays.toString(value.shape()) + (requiresGrad ? " requiresGrad" : "");
    }
}
