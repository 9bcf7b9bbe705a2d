package org.neurosweep.methods.evaluation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The training-dynamics summary of a checkpoint study (docs/methods/capability-dynamics.md §3, steps A4–A7) over the
 * scores of one or more checkpoint series: per-metric curves and their features (phase boundaries t50/t90 and the phase
 * label), the prediction of one benchmark's curve from another's within a capability group, lead/lag between capability
 * groups within a series, and the agreement of each metric's curve across series (models of different sizes or
 * families). The scaling fits (A8) and phase recommendations (A9) are {@link PowerLawFit} and {@link PhaseMonitoring}.
 */
public final class TrainingDynamics {

    /**
     * One score of one checkpoint.
     *
     * @param progress training progress of the checkpoint (tokens seen, or steps), > 0
     * @param y        the score oriented so that higher is better (normalised score; −NLL for the LM loss)
     */
    public record Point(String series, String benchmark, String subtask, String group, String metric, double progress,
                        double y) {
    }

    /** One metric of one benchmark over the checkpoints of one series, in training order. */
    public record Curve(String series, String benchmark, String subtask, String group, String metric,
                        double[] progress, double[] y) {

        /** The progress of the series' last checkpoint: the run's end for phase fractions. */
        double end() {
            return progress[progress.length - 1];
        }
    }

    public record CurveFeatures(Curve curve, TrajectoryFeatures features) {
    }

    /**
     * Step A5 for one ordered pair of benchmarks of one group.
     *
     * @param fitCutoff progress of the last checkpoint fitted on; NaN when none was
     */
    public record GroupPrediction(String series, String group, String benchKnown, String benchUnseen, double fitCutoff,
                                  WithinGroupPrediction prediction) {
    }

    public record GroupLeadLag(String series, String groupA, String groupB, LeadLag leadLag) {
    }

    public record SeriesAlignment(String benchmark, String subtask, String metric, String seriesA, String seriesB,
                                  CurveAlignment alignment) {
    }

    private TrainingDynamics() {
    }

    /** The points grouped into curves, each sorted by progress; two points of one curve at one progress are an error. */
    public static List<Curve> curves(Collection<Point> points) {
        Map<List<String>, TreeMap<Double, Point>> byCurve = new LinkedHashMap<>();
        for (Point p : points) {
            List<String> key = List.of(p.series(), p.benchmark(), p.subtask(), p.group(), p.metric());
            Point previous = byCurve.computeIfAbsent(key, k -> new TreeMap<>()).put(p.progress(), p);
            if (previous != null) {
                throw new IllegalArgumentException("two scores for " + key + " at progress " + p.progress());
            }
        }
        List<Curve> out = new ArrayList<>();
        byCurve.forEach((key, ordered) -> {
            double[] x = ordered.keySet().stream().mapToDouble(Double::doubleValue).toArray();
            double[] y = ordered.values().stream().mapToDouble(Point::y).toArray();
            out.add(new Curve(key.get(0), key.get(1), key.get(2), key.get(3), key.get(4), x, y));
        });
        out.sort(Comparator.comparing(Curve::series).thenComparing(Curve::benchmark).thenComparing(Curve::subtask)
                .thenComparing(Curve::metric));
        return out;
    }

    /** Step A4 for every curve; the run's end is the series' last checkpoint. */
    public static List<CurveFeatures> features(List<Curve> curves) {
        Map<String, Double> ends = seriesEnds(curves);
        return curves.stream().map(c -> new CurveFeatures(c, TrajectoryFeatures.of(c.progress(), c.y(), ends.get(c.series()))))
                .toList();
    }

    /**
     * Step A6 within each series: a group's curve is the mean of its {@code primary} curves at the checkpoints they all
     * share; every pair of groups (in name order) is compared at lags up to {@code maxLag}.
     */
    public static List<GroupLeadLag> leadLag(List<Curve> curves, Predicate<Curve> primary, int maxLag) {
        Map<String, Map<String, List<Curve>>> bySeries = new TreeMap<>();
        for (Curve c : curves) {
            if (primary.test(c)) {
                bySeries.computeIfAbsent(c.series(), k -> new TreeMap<>()).computeIfAbsent(c.group(), k -> new ArrayList<>()).add(c);
            }
        }
        List<GroupLeadLag> out = new ArrayList<>();
        bySeries.forEach((series, groups) -> {
            TreeSet<Double> shared = null;
            for (List<Curve> members : groups.values()) {
                for (Curve c : members) {
                    TreeSet<Double> x = new TreeSet<>();
                    for (double p : c.progress()) {
                        x.add(p);
                    }
                    if (shared == null) {
                        shared = x;
                    } else {
                        shared.retainAll(x);
                    }
                }
            }
            List<String> names = new ArrayList<>(groups.keySet());
            for (int a = 0; a < names.size(); a++) {
                for (int b = a + 1; b < names.size(); b++) {
                    out.add(new GroupLeadLag(series, names.get(a), names.get(b), LeadLag.of(
                            mean(groups.get(names.get(a)), shared), mean(groups.get(names.get(b)), shared), maxLag)));
                }
            }
        });
        return out;
    }

    /**
     * Step A5 within each series and capability group: for every ordered pair of distinct benchmarks (A known, B
     * unseen; name order) with a {@code primary} curve, the line y_B ≈ α + β·y_A fitted on the first
     * {@code fitFraction} of the checkpoints both curves share ({@link WithinGroupPrediction#fitPoints}) and tested on
     * the rest. A benchmark with several primary curves is represented by the first in curve order.
     */
    public static List<GroupPrediction> withinGroup(List<Curve> curves, Predicate<Curve> primary, double fitFraction) {
        Map<List<String>, Map<String, Curve>> byGroup = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
                .thenComparing(k -> k.get(1)));
        for (Curve c : curves) {
            if (primary.test(c)) {
                byGroup.computeIfAbsent(List.of(c.series(), c.group()), k -> new TreeMap<>()).putIfAbsent(c.benchmark(), c);
            }
        }
        List<GroupPrediction> out = new ArrayList<>();
        byGroup.forEach((key, benchmarks) -> {
            for (Curve a : benchmarks.values()) {
                for (Curve b : benchmarks.values()) {
                    if (a == b) {
                        continue;
                    }
                    TreeSet<Double> shared = progressSet(a);
                    shared.retainAll(progressSet(b));
                    if (shared.isEmpty()) {
                        continue;
                    }
                    double[] ya = at(a, shared);
                    double[] yb = at(b, shared);
                    int fit = WithinGroupPrediction.fitPoints(shared.size(), fitFraction);
                    double cutoff = fit == 0 ? Double.NaN : new ArrayList<>(shared).get(fit - 1);
                    out.add(new GroupPrediction(key.get(0), key.get(1), a.benchmark(), b.benchmark(), cutoff,
                            WithinGroupPrediction.of(ya, yb, fit)));
                }
            }
        });
        return out;
    }

    /** Step A7: every pair of series (in name order) on each benchmark, subtask and metric, in both alignments. */
    public static List<SeriesAlignment> alignments(List<Curve> curves) {
        Map<String, Double> ends = seriesEnds(curves);
        Map<List<String>, List<Curve>> byMetric = new LinkedHashMap<>();
        for (Curve c : curves) {
            byMetric.computeIfAbsent(List.of(c.benchmark(), c.subtask(), c.metric()), k -> new ArrayList<>()).add(c);
        }
        List<SeriesAlignment> out = new ArrayList<>();
        byMetric.forEach((key, list) -> {
            for (int a = 0; a < list.size(); a++) {
                for (int b = a + 1; b < list.size(); b++) {
                    Curve ca = list.get(a);
                    Curve cb = list.get(b);
                    for (CurveAlignment.Alignment kind : CurveAlignment.Alignment.values()) {
                        CurveAlignment al = CurveAlignment.of(kind, ca.progress(), ca.y(), ends.get(ca.series()),
                                cb.progress(), cb.y(), ends.get(cb.series()));
                        if (al != null) {
                            out.add(new SeriesAlignment(key.get(0), key.get(1), key.get(2), ca.series(), cb.series(), al));
                        }
                    }
                }
            }
        });
        return out;
    }

    private static TreeSet<Double> progressSet(Curve c) {
        TreeSet<Double> x = new TreeSet<>();
        for (double p : c.progress()) {
            x.add(p);
        }
        return x;
    }

    // the curve's y at each of the progress values, in order; every value must be on the curve
    private static double[] at(Curve c, TreeSet<Double> progress) {
        double[] out = new double[progress.size()];
        int k = 0;
        for (int i = 0; i < c.progress().length; i++) {
            if (progress.contains(c.progress()[i])) {
                out[k++] = c.y()[i];
            }
        }
        return out;
    }

    private static Map<String, Double> seriesEnds(List<Curve> curves) {
        Map<String, Double> ends = new TreeMap<>();
        curves.forEach(c -> ends.merge(c.series(), c.end(), Math::max));
        return ends;
    }

    // the members' mean y at each shared progress, in order
    private static double[] mean(List<Curve> members, TreeSet<Double> shared) {
        double[] out = new double[shared.size()];
        for (Curve c : members) {
            int k = 0;
            for (int i = 0; i < c.progress().length; i++) {
                if (shared.contains(c.progress()[i])) {
                    out[k++] += c.y()[i] / members.size();
                }
            }
        }
        return out;
    }
}
