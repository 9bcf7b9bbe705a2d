package org.neurosweep.autograd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Records, per thread, the backward steps of the ops executed while it is open, and replays them in
 * reverse on {@link #backward}.
 *
 * <pre>{@code
 * try (Tape tape = Tape.record()) {
 *     Var loss = ...;          // ops on Vars
 *     tape.backward(loss);     // param.grad() now holds d loss / d param
 * }
 * }</pre>
 *
 * An op records a step only when a tape is open on the calling thread and one of its inputs requires
 * grad. Tapes nest: closing an inner tape reactivates the outer one. The arrays a step captured stay
 * referenced until the tape closes, so run the forward and the backward in the same workspace scope.
 *
 * <p>Memory: when backward runs inside a workspace, the steps are replayed in segments of
 * {@value #SEGMENT_STEPS}, each in a scratch workspace that the next segment reuses. A gradient that
 * leaves its segment (that of a Var created before it) is moved to the enclosing workspace; the
 * gradients of a segment's own intermediates are released with it. So a backward pass holds the
 * forward's activations plus one segment's temporaries, not every gradient and temporary at once. The
 * scratch workspace keeps the size of the largest segment; {@value #SEGMENT_STEPS} steps are about one
 * transformer layer (some 200 MB of temporaries at the 134M benchmark shape; 64 steps held 0.84 GB).
 */
public final class Tape implements AutoCloseable {

    private static final ThreadLocal<Tape> ACTIVE = new ThreadLocal<>();

    private record Step(Var output, Backward backward, Var[] inputs) {
    }

    static final int SEGMENT_STEPS = 32;
    private final List<Step> steps = new ArrayList<>();
    private final Tape outer;
    private boolean closed;

    private Tape(Tape outer) {
        this.outer = outer;
    }

    /** Opens a tape on this thread; close it (try-with-resources) to stop recording. */
    public static Tape record() {
        Tape tape = new Tape(ACTIVE.get());
        ACTIVE.set(tape);
        return tape;
    }

    /** A region of code that records nothing; closing it reactivates the tape that was open before. */
    public interface Suspension extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Stops recording on this thread until the returned suspension closes (PyTorch's {@code no_grad}): ops inside it
     * record no step, and model forwards take their inference paths (fused projections, per-block workspaces).
     * For the forwards of frozen models inside a training step, e.g. a distillation teacher.
     */
    public static Suspension suspend() {
        Tape active = ACTIVE.get();
        ACTIVE.remove();
        return () -> {
            if (active != null && !active.closed) {
                ACTIVE.set(active);
            }
        };
    }

    /** True when a tape is open on this thread. */
    public static boolean isRecording() {
        return ACTIVE.get() != null;
    }

    /** True when an op over {@code inputs} must record its backward step. */
    public static boolean recording(Var... inputs) {
        if (ACTIVE.get() == null) {
            return false;
        }
        for (Var v : inputs) {
            if (v != null && v.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** Same as {@link Var#watch()}. */
    public static Var watch(Var v) {
        return v.watch();
    }

    /**
     * The output of an op: a recorded Var carrying {@code backward} when {@link #recording} holds for
     * {@code inputs}, a constant otherwise. Ops elsewhere (adapters, quantizers) define themselves
     * through this; {@code backward} adds into the inputs with {@link Var#addGrad}.
     */
    public static Var op(INDArray value, Backward backward, Var... inputs) {
        if (!recording(inputs)) {
            return Var.constant(value);
        }
        Var out = Var.recorded(value);
        ACTIVE.get().steps.add(new Step(out, backward, inputs));
        return out;
    }

    /** Backward from a scalar {@code loss} with seed 1. */
    public void backward(Var loss) {
        if (loss.value().length() != 1) {
            throw new IllegalArgumentException("backward(loss) needs a scalar, got shape "
                    + java.util.Arrays.toString(loss.shape()) + "; pass a seed for other outputs");
        }
        backward(loss, Nd4j.ones(loss.dataType(), loss.shape()));
    }

    /**
     * Backward from {@code out} with the given seed (d objective / d out, same shape as out). Gradient
     * targets ({@link Var#param}, {@link Var#watch}) receive their gradients, leaves accumulating over
     * calls and watched intermediates holding the latest call's; other intermediates hold a gradient only
     * while the pass runs.
     */
    public void backward(Var out, INDArray seed) {
        if (closed) {
            throw new IllegalStateException("backward on a closed tape");
        }
        if (!java.util.Arrays.equals(seed.shape(), out.shape())) {
            throw new IllegalArgumentException("seed shape " + java.util.Arrays.toString(seed.shape())
                    + " differs from output shape " + java.util.Arrays.toString(out.shape()));
        }
        if (!out.requiresGrad()) {
            return;
        }
        for (Step step : steps) {
            step.output().clearGrad();
        }
        out.addGrad(seed);
        MemoryWorkspace enclosing = Nd4j.getMemoryManager().getCurrentWorkspace();
        for (int end = steps.size(); end > 0; end -= SEGMENT_STEPS) {
            int start = Math.max(0, end - SEGMENT_STEPS);
            if (enclosing == null) {
                replay(start, end);
            } else {
                String scratchId = "neurosweep.backward." + enclosing.getId();
                try (MemoryWorkspace scratch =
                         Nd4j.getWorkspaceManager().getAndActivateWorkspace(Workspaces.STEADY, scratchId)) {
                    replay(start, end);
                    keepLeavingGradients(start, end, scratch, enclosing);
                }
            }
            for (int i = start; i < end; i++) {
                steps.get(i).output().releaseIntermediateGrad();
            }
        }
    }

    private void replay(int start, int end) {
        for (int i = end - 1; i >= start; i--) {
            Step step = steps.get(i);
            INDArray g = step.output().grad();
            if (g != null) {
                step.backward().apply(g);
            }
        }
    }

    /** Moves into {@code enclosing} the scratch gradients of Vars the segment [start, end) did not create. */
    private void keepLeavingGradients(int start, int end, MemoryWorkspace scratch, MemoryWorkspace enclosing) {
        Set<Var> own = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = start; i < end; i++) {
            own.add(steps.get(i).output());
        }
        for (int i = start; i < end; i++) {
            for (Var input : steps.get(i).inputs()) {
                if (input != null && !own.contains(input)) {
                    input.moveGradOutOf(scratch, enclosing);
                }
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        steps.clear();
        if (ACTIVE.get() == this) {
            if (outer == null) {
                ACTIVE.remove();
            } else {
                ACTIVE.set(outer);
            }
        }
    }
}
