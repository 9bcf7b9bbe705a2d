package org.neurosweep.methods.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The optimisation-state strategy of a checkpoint study (docs/methods/capability-dynamics.md §3, step A9): per training
 * phase — tertiles of the run's progress, early (0, end/3], mid (end/3, 2·end/3], late (2·end/3, end] — the metrics
 * still worth monitoring, and an alarm for unstable optimisation.
 *
 * <p>A metric (one curve: benchmark, subtask, metric; y oriented so that higher is better) is considered in a phase
 * when it has a checkpoint there. It is discarded when it is <em>saturated</em> (its {@link TrajectoryFeatures}
 * {@code saturatedAt} lies at or before the phase's first checkpoint) or still <em>at chance</em> (at the phase's last
 * checkpoint value − baseline ≤ 2·stderr; metrics without a baseline, such as losses, are never at chance). The rest
 * are ranked by the signal-to-noise ratio |slope| / noise, highest first (ties by id), where slope is the OLS slope of
 * y on log10(progress) over the phase's checkpoints and the one before the phase (so a phase with one checkpoint has
 * a slope), and noise is the curve's noise (A4) floored by the mean standard error of y in the phase (accuracies:
 * stderr / (1 − baseline)) and by {@link #NOISE_FLOOR}: a smooth curve has noise 0, and a ratio over it would be
 * infinite. A metric without a defined slope is left out.
 *
 * <p>Alarm {@value #UNSTABLE}: between two consecutive checkpoints of the loss curve the loss falls while at least
 * {@link #MIN_REGRESSING_GROUPS} capability groups drop by more than 2 standard errors of the difference
 * (sqrt(se₀² + se₁²)); the phase holding the later checkpoint is flagged. Without a loss curve no alarm is raised.
 */
public final class PhaseMonitoring {

    public static final String UNSTABLE = "unstable_optimization";
    public static final int MIN_REGRESSING_GROUPS = 2;
    /** Noise below this (in units of y: normalised score, or nats) is taken as this. */
    public static final double NOISE_FLOOR = 1e-3;
    public static final List<String> PHASES = List.of("early", "mid", "late");

    /**
     * One metric's curve.
     *
     * @param progress strictly increasing positive progress
     * @param y        the oriented score (higher = better)
     * @param value    the raw metric (for the chance test)
     * @param baseline its random baseline, NaN where none
     * @param stderr   its standard error, NaN where none
     */
    public record Metric(String id, double[] progress, double[] y, double[] value, double[] baseline, double[] stderr) {
    }

    /**
     * A capability group's curve for the alarm.
     *
     * @param y  mean normalised score of the group's benchmarks (higher = better)
     * @param se its standard error
     */
    public record GroupCurve(String group, double[] progress, double[] y, double[] se) {
    }

    /** The loss curve (lower = better) for the alarm. */
    public record LossCurve(double[] progress, double[] loss) {
    }

    /** The recommendation for one phase. */
    public record Phase(String name, double from, double to, List<String> metricIds, List<Double> snr,
                        List<String> alarms) {
    }

    private PhaseMonitoring() {
    }

    /**
     * @param runEnd the run's length in units of progress (its last checkpoint)
     * @param loss   the loss curve, or null when the series has none
     */
    public static List<Phase> recommend(List<Metric> metrics, LossCurve loss, List<GroupCurve> groups, double runEnd) {
        if (!(runEnd > 0)) {
            throw new IllegalArgumentException("the run's end must be positive, got " + runEnd);
        }
        List<Double> alarms = loss == null ? List.of() : alarms(loss, groups);
        List<Phase> out = new ArrayList<>();
        for (int p = 0; p < PHASES.size(); p++) {
            double from = runEnd * p / PHASES.size();
            double to = p == PHASES.size() - 1 ? runEnd : runEnd * (p + 1) / PHASES.size();
            List<Ranked> ranked = new ArrayList<>();
            for (Metric m : metrics) {
                double snr = snr(m, from, to, runEnd);
                if (!Double.isNaN(snr)) {
                    ranked.add(new Ranked(m.id(), snr));
                }
            }
            ranked.sort(Comparator.comparingDouble(Ranked::snr).reversed().thenComparing(Ranked::id));
            boolean alarmed = alarms.stream().anyMatch(a -> a > from && a <= to);
            out.add(new Phase(PHASES.get(p), from, to, ranked.stream().map(Ranked::id).toList(),
                    ranked.stream().map(Ranked::snr).toList(), alarmed ? List.of(UNSTABLE) : List.of()));
        }
        return out;
    }

    /** The progress of each loss checkpoint at which the alarm condition holds (against the checkpoint before). */
    public static List<Double> alarms(LossCurve loss, List<GroupCurve> groups) {
        List<Double> out = new ArrayList<>();
        for (int k = 1; k < loss.progress().length; k++) {
            if (!(loss.loss()[k] < loss.loss()[k - 1])) {
                continue;
            }
            int regressing = 0;
            for (GroupCurve g : groups) {
                int i0 = indexOf(g.progress(), loss.progress()[k - 1]);
                int i1 = indexOf(g.progress(), loss.progress()[k]);
                if (i0 < 0 || i1 < 0) {
                    continue;
                }
                double se = Math.sqrt(sq(g.se()[i0]) + sq(g.se()[i1]));
                if (g.y()[i0] - g.y()[i1] > 2 * se) {
                    regressing++;
                }
            }
            if (regressing >= MIN_REGRESSING_GROUPS) {
                out.add(loss.progress()[k]);
            }
        }
        return out;
    }

    // the metric's signal-to-noise ratio in (from, to], NaN when it is not considered there
    private static double snr(Metric m, double from, double to, double runEnd) {
        double[] x = m.progress();
        int first = -1;
        int last = -1;
        for (int i = 0; i < x.length; i++) {
            if (x[i] > from && x[i] <= to) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        if (first < 0) {
            return Double.NaN;
        }
        TrajectoryFeatures f = TrajectoryFeatures.of(x, m.y(), Math.max(runEnd, x[x.length - 1]));
        if (f.saturatedAt() != null && f.saturatedAt() <= x[first]) {
            return Double.NaN;
        }
        if (!Double.isNaN(m.baseline()[last]) && !Double.isNaN(m.stderr()[last])
                && m.value()[last] - m.baseline()[last] <= 2 * m.stderr()[last]) {
            return Double.NaN;
        }
        int start = Math.max(0, first - 1);
        double[] logX = new double[last + 1 - start];
        for (int i = start; i <= last; i++) {
            logX[i - start] = Math.log10(x[i]);
        }
        double slope = CurveStatistics.olsSlope(logX, Arrays.copyOfRange(m.y(), start, last + 1));
        if (Double.isNaN(slope)) {
            return Double.NaN;
        }
        double seY = 0;
        int counted = 0;
        for (int i = first; i <= last; i++) {
            double b = m.baseline()[i];
            double s = m.stderr()[i];
            if (!Double.isNaN(s)) {
                seY += Double.isNaN(b) ? s : s / (1 - b);
                counted++;
            }
        }
        double noise = Double.isNaN(f.noise()) ? 0 : f.noise();
        noise = Math.max(NOISE_FLOOR, Math.max(noise, counted == 0 ? 0 : seY / counted));
        return Math.abs(slope) / noise;
    }

    private static int indexOf(double[] progress, double at) {
        for (int i = 0; i < progress.length; i++) {
            if (progress[i] == at) {
                return i;
            }
        }
        return -1;
    }

    private static double sq(double v) {
        return Double.isNaN(v) ? 0 : v * v;
    }

    private record Ranked(String id, double snr) {
    }
}
