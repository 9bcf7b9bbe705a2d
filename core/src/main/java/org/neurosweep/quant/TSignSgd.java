package org.neurosweep.quant;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.neurosweep.autograd.Var;
import org.neurosweep.autograd.Workspaces;
import org.neurosweep.train.GradientClipping;
import org.neurosweep.train.Optimizer;

/**
 * t-SignSGD, LoTA-QAF's optimizer of ternary tensors. At step t (1-based, counted by this optimizer) each tensor
 * moves by one unit against the sign of its gradient on the entries whose |G| exceeds the σ_t-quantile of its own
 * |G| (and τ), then is clamped back to [−1, 1]: roughly the top (1 − σ_t) of the entries change. σ_t rises
 * linearly from σ0 to σ1 over the first phase (t ≤ T1) and on to σ2 at T. In the second phase, when the global
 * gradient norm of all the tensors exceeds a trigger, the most extreme gradients (above the
 * {@code upperQuantile}) are left out. The learning rate is ignored; there is no momentum and no weight decay.
 */
public final class TSignSgd implements Optimizer {

    /**
     * @param sigma0         quantile level at t = 0 (0.95)
     * @param sigma1         at the end of phase 1 (0.999)
     * @param sigma2         at T (0.9999)
     * @param tau            gradients of at most this magnitude never move an entry (1e−9)
     * @param totalSteps     T, the number of optimizer steps of the run
     * @param phaseOneShare  T1 = phaseOneShare·T (0.8)
     * @param normTrigger    phase-2 global gradient norm above which extreme gradients are cut (10)
     * @param upperQuantile  their quantile level (0.99995)
     */
    public record Schedule(double sigma0, double sigma1, double sigma2, double tau, int totalSteps,
                           double phaseOneShare, double normTrigger, double upperQuantile) {

        public Schedule {
            if (totalSteps < 1) {
                throw new IllegalArgumentException("t-SignSGD needs total steps >= 1, got " + totalSteps);
            }
            if (!(0 <= sigma0 && sigma0 <= sigma1 && sigma1 <= sigma2 && sigma2 <= 1)) {
                throw new IllegalArgumentException("t-SignSGD needs 0 <= sigma0 <= sigma1 <= sigma2 <= 1, got "
                        + sigma0 + ", " + sigma1 + ", " + sigma2);
            }
            if (!(phaseOneShare > 0 && phaseOneShare <= 1) || tau < 0 || !(upperQuantile > 0 && upperQuantile <= 1)) {
                throw new IllegalArgumentException("t-SignSGD needs 0 < phase-one share <= 1, tau >= 0 and "
                        + "0 < upper quantile <= 1");
            }
        }

        /** The reference code's settings for a run of {@code totalSteps} steps. */
        public static Schedule of(int totalSteps) {
            return new Schedule(0.95, 0.999, 0.9999, 1e-9, totalSteps, 0.8, 10, 0.99995);
        }

        double phaseOneEnd() {
            return phaseOneShare * totalSteps;
        }

        /** The phase of step t: 1 while t ≤ T1, else 2. */
        public int phase(long t) {
            return t <= phaseOneEnd() ? 1 : 2;
        }

        /** σ_t. */
        public double sigma(long t) {
            double t1 = phaseOneEnd();
            if (t <= t1) {
                return sigma0 + (t / t1) * (sigma1 - sigma0);
            }
            if (t >= totalSteps) {
                return sigma2;
            }
            return sigma1 + ((t - t1) / (totalSteps - t1)) * (sigma2 - sigma1);
        }
    }

    /** What one step did: the step, σ_t, the phase, the global gradient norm, whether the cut was on, and per tensor
     * (in the order of {@link #parameters()}) the number of entries whose value changed. */
    public record Report(long step, double sigma, int phase, double gradNorm, boolean upperCut, long[] changed) {
    }

    private final List<Var> params;
    private final Schedule schedule;
    private final String scratchId = "t-signsgd-" + System.identityHashCode(this);
    private long step;
    private Report last;

    public TSignSgd(List<Var> params, Schedule schedule) {
        this.params = List.copyOf(params);
        this.schedule = schedule;
    }

    @Override
    public void step(double ignoredLearningRate) {
        step++;
        double sigma = schedule.sigma(step);
        int phase = schedule.phase(step);
        long[] changed = new long[params.size()];
        double norm = GradientClipping.globalNorm(params);
        boolean cut = phase == 2 && norm > schedule.normTrigger();
        for (int k = 0; k < params.size(); k++) {
            Var p = params.get(k);
            if (p.grad() != null) {
                // temporaries in a scratch workspace reused across tensors and steps; p is updated in place
                try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(Workspaces.SCRATCH,
                        scratchId)) {
                    changed[k] = update(p.value(), p.grad(), sigma, cut);
                }
            }
        }
        last = new Report(step, sigma, phase, norm, cut, changed);
    }

    // p ← round(clamp(p − sign(G)·selected, −1, 1)); returns the number of entries that changed
    private long update(INDArray p, INDArray grad, double sigma, boolean cut) {
        INDArray magnitude = Transforms.abs(grad, true);
        float[] sorted = magnitude.dup('c').data().asFloat();
        Arrays.sort(sorted);
        INDArray selected = magnitude.gt(quantile(sorted, sigma)).castTo(DataType.FLOAT)
                .muli(magnitude.gt(schedule.tau()).castTo(DataType.FLOAT));
        if (cut) {
            selected.muli(magnitude.lt(quantile(sorted, schedule.upperQuantile())).castTo(DataType.FLOAT));
        }
        INDArray next = Transforms.sign(grad, true).muli(selected).rsubi(p);
        next = Transforms.min(Transforms.max(next, -1.0, false), 1.0, false);
        next = Transforms.round(next, false);
        long changed = next.neq(p).castTo(DataType.FLOAT).sumNumber().longValue();
        p.assign(next);
        return changed;
    }

    /**
     * The {@code level}-quantile of ascending {@code sorted} values with linear interpolation between the order
     * statistics at position level·(n − 1) (NumPy's and PyTorch's default), in fp32 as the reference.
     */
    public static float quantile(float[] sorted, double level) {
        if (sorted.length == 0 || !(level >= 0 && level <= 1)) {
            throw new IllegalArgumentException("quantile of " + sorted.length + " values at level " + level);
        }
        double position = level * (sorted.length - 1);
        int lo = (int) Math.floor(position);
        int hi = Math.min(lo + 1, sorted.length - 1);
        float fraction = (float) (position - lo);
        return sorted[lo] + fraction * (sorted[hi] - sorted[lo]);
    }

    /** The report of the last step, or null before the first. */
    public Report lastReport() {
        return last;
    }

    @Override
    public List<Var> parameters() {
        return params;
    }
}
