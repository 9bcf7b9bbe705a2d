package org.neurosweep.methods.evaluation;

/**
 * One benchmark score of one checkpoint (docs/methods/capability-dynamics.md §2, step A3): an accuracy-like
 * {@code value} over {@code items}, its binomial standard error sqrt(v(1 − v)/n), the random baseline (1/choices for
 * multiple choice, 0 for exact match) and the normalised score ns = (v − baseline)/(1 − baseline) clipped to [−1, 1],
 * which is 0 at chance and 1 at a perfect score.
 */
public record CapabilityScore(double value, long items, double baseline, double stderr, double normalized) {

    public static CapabilityScore of(long correct, long items, double baseline) {
        if (items <= 0 || correct < 0 || correct > items) {
            throw new IllegalArgumentException("a score needs 0 <= correct <= items and items > 0, got "
                    + correct + " of " + items);
        }
        if (!(baseline >= 0 && baseline < 1)) {
            throw new IllegalArgumentException("random baseline must lie in [0, 1), got " + baseline);
        }
        double v = (double) correct / items;
        double ns = Math.max(-1, Math.min(1, (v - baseline) / (1 - baseline)));
        return new CapabilityScore(v, items, baseline, Math.sqrt(v * (1 - v) / items), ns);
    }
}
