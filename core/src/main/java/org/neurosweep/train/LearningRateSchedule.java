package org.neurosweep.train;

/**
 * The learning rate at optimizer step {@code step} (0-based), with linear warm-up from 0 over
 * {@code warmupSteps} as in Hugging Face's {@code get_*_schedule_with_warmup}.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    double at(long step);

    /** peak after warm-up. */
    static LearningRateSchedule constant(double peak, long warmupSteps) {
        check(peak, warmupSteps, warmupSteps + 1);
        return step -> step < warmupSteps ? peak * step / warmupSteps : peak;
    }

    /** Warm-up, then linear decay from peak to 0 at {@code totalSteps}. */
    static LearningRateSchedule linear(double peak, long warmupSteps, long totalSteps) {
        check(peak, warmupSteps, totalSteps);
        return step -> {
            if (step < warmupSteps) {
                return peak * step / warmupSteps;
            }
            return peak * Math.max(0.0, (double) (totalSteps - step) / (totalSteps - warmupSteps));
        };
    }

    /** Warm-up, then half a cosine from peak down to {@code floor} at {@code totalSteps}. */
    static LearningRateSchedule cosine(double peak, long warmupSteps, long totalSteps, double floor) {
        check(peak, warmupSteps, totalSteps);
        if (floor < 0 || floor > peak) {
            throw new IllegalArgumentException("cosine schedule: floor " + floor + " outside [0, " + peak + "]");
        }
        return step -> {
            if (step < warmupSteps) {
                return peak * step / warmupSteps;
            }
            double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
            return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }

    private static void check(double peak, long warmupSteps, long totalSteps) {
        if (peak <= 0 || warmupSteps < 0 || totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("schedule: need peak > 0 and 0 ≤ warm-up < total steps; got peak "
                    + peak + ", warm-up " + warmupSteps + ", total " + totalSteps);
        }
    }
}
