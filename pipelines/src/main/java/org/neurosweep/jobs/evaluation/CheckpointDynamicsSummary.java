package org.neurosweep.jobs.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Predicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.methods.evaluation.CurveAlignment;
import org.neurosweep.methods.evaluation.LeadLag;
import org.neurosweep.methods.evaluation.PhaseMonitoring;
import org.neurosweep.methods.evaluation.PowerLawFit;
import org.neurosweep.methods.evaluation.TrainingDynamics;
import org.neurosweep.methods.evaluation.TrajectoryFeatures;
import org.neurosweep.methods.evaluation.WithinGroupPrediction;

import static org.neurosweep.jobs.JobTables.orNull;

/**
 * The driver side of checkpoint-eval: the committed {@code eval_task_scores} of the run become curves per series
 * (model_id), benchmark (dataset), subtask and metric, then trajectory features, within-group prediction, group
 * lead/lag, cross-series alignment (see {@link TrainingDynamics}), scaling fits over compute ({@link PowerLawFit}) and
 * per-phase metric recommendations ({@link PhaseMonitoring}). Rows without a step (a single model, not a series) and
 * checkpoints at step 0 (no log-progress) are left out. NaN statistics are written as null.
 */
final class CheckpointDynamicsSummary {

    /** The metrics that stand for a benchmark in its group's curve. */
    static final Set<String> PRIMARY_METRICS = Set.of("accuracy", "mean_nll");
    /** Lead/lag is searched over lags -2..2 checkpoints: series hold few checkpoints. */
    static final int MAX_LAG = 2;

    private CheckpointDynamicsSummary() {
    }

    /** What a curve's y leaves out of a score: the raw value, its chance level and error, the model's size. */
    private record Raw(String kind, double value, double baseline, double stderr, long params) {
    }

    static void write(Dataset<Row> scores, double fitFraction, RowSink out) {
        List<TrainingDynamics.Point> points = new ArrayList<>();
        Map<List<Object>, Raw> raw = new HashMap<>();
        List<Row> rows = scores.isEmpty() ? List.of() : scores.where("step is not null").select("model_id", "dataset",
                "subtask", "capability_group", "metric", "step", "tokens_seen", "value", "normalized_value",
                "higher_is_better", "benchmark_kind", "random_baseline", "stderr", "n_params").collectAsList();
        boolean tokens = rows.stream().noneMatch(r -> r.isNullAt(6));                // progress in tokens, else steps
        for (Row r : rows) {
            double progress = tokens ? r.getLong(6) : r.getLong(5);
            if (progress <= 0) {
                continue;
            }
            double y = !r.isNullAt(8) ? r.getDouble(8) : r.getBoolean(9) ? r.getDouble(7) : -r.getDouble(7);
            points.add(new TrainingDynamics.Point(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
                    r.getString(4), progress, y));
            raw.put(List.of(r.getString(0), r.getString(1), r.getString(2), r.getString(4), progress),
                    new Raw(r.getString(10), r.getDouble(7), r.isNullAt(11) ? Double.NaN : r.getDouble(11),
                            r.isNullAt(12) ? Double.NaN : r.getDouble(12), r.getLong(13)));
        }
        List<TrainingDynamics.Curve> curves = TrainingDynamics.curves(points);
        String unit = tokens ? "tokens" : "steps";
        TableRows features = out.table(CheckpointEvalJob.FEATURES);
        for (TrainingDynamics.CurveFeatures cf : TrainingDynamics.features(curves)) {
            TrainingDynamics.Curve c = cf.curve();
            TrajectoryFeatures f = cf.features();
            features.add(null, c.series(), c.benchmark(), c.group(), c.subtask(), c.metric(), unit, f.points(),
                    c.progress()[0], c.progress()[c.progress().length - 1], f.finalValue(), f.gain(), f.t50(), f.t90(),
                    orNull(f.earlySlope()), orNull(f.lateSlope()), orNull(f.monotonicity()), orNull(f.noise()),
                    f.saturatedAt(), f.phase());
        }
        Predicate<TrainingDynamics.Curve> primary = CheckpointDynamicsSummary::isPrimary;
        TableRows prediction = out.table(CheckpointEvalJob.PREDICTION);
        for (TrainingDynamics.GroupPrediction g : TrainingDynamics.withinGroup(curves, primary, fitFraction)) {
            WithinGroupPrediction p = g.prediction();
            prediction.add(null, g.series(), g.group(), g.benchKnown(), g.benchUnseen(), unit, orNull(g.fitCutoff()),
                    orNull(p.alpha()), orNull(p.beta()), orNull(p.mae()), orNull(p.r2Heldout()), orNull(p.pearson()),
                    orNull(p.spearman()), p.points());
        }
        Map<String, List<TrainingDynamics.Curve>> bySeries = new TreeMap<>();
        curves.forEach(c -> bySeries.computeIfAbsent(c.series(), k -> new ArrayList<>()).add(c));
        TableRows scaling = out.table(CheckpointEvalJob.SCALING);
        TableRows recommendation = out.table(CheckpointEvalJob.RECOMMENDATION);
        bySeries.forEach((series, own) -> writeSeries(series, own, raw, primary, unit, tokens, scaling,
                recommendation));
        TableRows leadLag = out.table(CheckpointEvalJob.LEAD_LAG);
        for (TrainingDynamics.GroupLeadLag g : TrainingDynamics.leadLag(curves, primary, MAX_LAG)) {
            LeadLag l = g.leadLag();
            leadLag.add(null, g.series(), g.groupA(), g.groupB(), l.points(), orNull(l.corrLag0()), l.bestLag(),
                    orNull(l.corrBestLag()));
        }
        TableRows alignment = out.table(CheckpointEvalJob.ALIGNMENT);
        for (TrainingDynamics.SeriesAlignment a : TrainingDynamics.alignments(curves)) {
            CurveAlignment al = a.alignment();
            alignment.add(null, a.benchmark(), a.subtask(), a.metric(), a.seriesA(), a.seriesB(),
                    al.alignment().name().toLowerCase(Locale.ROOT), al.from(), al.to(), al.shapeDistance(),
                    orNull(al.spearmanDiff()));
        }
    }

    // scaling_fit (A8, when tokens are known) and phase_metric_recommendation (A9) of one series
    private static void writeSeries(String series, List<TrainingDynamics.Curve> own, Map<List<Object>, Raw> raw,
                                    Predicate<TrainingDynamics.Curve> primary, String unit, boolean tokensKnown,
                                    TableRows scaling, TableRows recommendation) {
        // the loss: mean NLL of the perplexity benchmarks; the groups: mean normalised accuracy of their benchmarks
        Mean loss = Mean.of(own.stream().filter(primary).filter(c -> isPerplexity(raw, c)).toList(), y -> -y);
        Map<String, List<TrainingDynamics.Curve>> byGroup = new TreeMap<>();
        own.stream().filter(primary).filter(c -> !isPerplexity(raw, c))
                .forEach(c -> byGroup.computeIfAbsent(c.group(), k -> new ArrayList<>()).add(c));
        if (tokensKnown) {
            if (loss != null) {
                scaling.add(null, fit(series, "loss", loss.progress(), loss.y(), raw, own));
            }
            byGroup.forEach((group, members) -> {
                Mean g = Mean.of(members, y -> 1 - y);
                if (g != null) {
                    scaling.add(null, fit(series, group, g.progress(), g.y(), raw, own));
                }
            });
        }
        double end = own.stream().mapToDouble(c -> c.progress()[c.progress().length - 1]).max().orElseThrow();
        PhaseMonitoring.LossCurve lossCurve = loss == null ? null : new PhaseMonitoring.LossCurve(loss.progress(), loss.y());
        for (PhaseMonitoring.Phase p : PhaseMonitoring.recommend(phaseMetrics(own, raw), lossCurve,
                groupCurves(byGroup, raw), end)) {
            recommendation.add(null, series, p.name(), unit, p.from(), p.to(), p.metricIds(),
                    p.snr().stream().mapToDouble(Double::doubleValue).toArray(), p.alarms());
        }
    }

    // every curve of a series with its raw values, chance levels and standard errors
    private static List<PhaseMonitoring.Metric> phaseMetrics(List<TrainingDynamics.Curve> own, Map<List<Object>, Raw> raw) {
        List<PhaseMonitoring.Metric> metrics = new ArrayList<>();
        for (TrainingDynamics.Curve c : own) {
            int n = c.progress().length;
            double[] value = new double[n];
            double[] baseline = new double[n];
            double[] stderr = new double[n];
            for (int i = 0; i < n; i++) {
                Raw r = raw.get(rawKey(c, c.progress()[i]));
                value[i] = r.value();
                baseline[i] = r.baseline();
                stderr[i] = r.stderr();
            }
            metrics.add(new PhaseMonitoring.Metric(c.benchmark() + "/" + c.subtask() + "/" + c.metric(), c.progress(),
                    c.y(), value, baseline, stderr));
        }
        return metrics;
    }

    // per capability group, the mean normalised curve and its standard error (members' errors on the normalised
    // scale, combined as for a mean of independent estimates)
    private static List<PhaseMonitoring.GroupCurve> groupCurves(Map<String, List<TrainingDynamics.Curve>> byGroup,
                                                               Map<List<Object>, Raw> raw) {
        List<PhaseMonitoring.GroupCurve> groups = new ArrayList<>();
        byGroup.forEach((group, members) -> {
            Mean g = Mean.of(members, y -> y);
            if (g == null) {
                return;
            }
            double[] se = new double[g.progress().length];
            for (int i = 0; i < se.length; i++) {
                double sum = 0;
                for (TrainingDynamics.Curve c : members) {
                    Raw r = raw.get(rawKey(c, g.progress()[i]));
                    double baseline = Double.isNaN(r.baseline()) ? 0 : r.baseline();
                    double s = Double.isNaN(r.stderr()) ? 0 : r.stderr() / (1 - baseline);
                    sum += s * s;
                }
                se[i] = Math.sqrt(sum) / members.size();
            }
            groups.add(new PhaseMonitoring.GroupCurve(group, g.progress(), g.y(), se));
        });
        return groups;
    }

    // a curve that stands for its benchmark: the primary metric on subtask all
    private static boolean isPrimary(TrainingDynamics.Curve c) {
        return c.subtask().equals(CheckpointEvalKernel.ALL) && PRIMARY_METRICS.contains(c.metric());
    }

    private static List<Object> rawKey(TrainingDynamics.Curve c, double progress) {
        return List.of(c.series(), c.benchmark(), c.subtask(), c.metric(), progress);
    }

    private static boolean isPerplexity(Map<List<Object>, Raw> raw, TrainingDynamics.Curve c) {
        return BenchmarkKind.PERPLEXITY.column().equals(raw.get(rawKey(c, c.progress()[0])).kind());
    }

    // the row of scaling_fit for a curve over tokens: C = 6 N D with N of the checkpoint at each point
    private static Object[] fit(String series, String target, double[] tokens, double[] y, Map<List<Object>, Raw> raw,
                                List<TrainingDynamics.Curve> own) {
        double[] compute = new double[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            long params = 0;
            for (TrainingDynamics.Curve c : own) {
                Raw r = raw.get(rawKey(c, tokens[i]));
                if (r != null) {
                    params = r.params();
                    break;
                }
            }
            compute[i] = 6.0 * params * tokens[i];
        }
        PowerLawFit f = PowerLawFit.fit(compute, y);
        return new Object[] {series, target, PowerLawFit.FORM, orNull(f.e()), orNull(f.a()), orNull(f.alpha()),
                orNull(f.r2()), f.points()};
    }

    /** The mean of some curves (each value mapped by {@code map}) at the progress points they all share; null if none. */
    private record Mean(double[] progress, double[] y) {

        static Mean of(List<TrainingDynamics.Curve> curves, DoubleUnaryOperator map) {
            if (curves.isEmpty()) {
                return null;
            }
            TreeSet<Double> shared = null;
            for (TrainingDynamics.Curve c : curves) {
                TreeSet<Double> x = new TreeSet<>();
                Arrays.stream(c.progress()).forEach(x::add);
                if (shared == null) {
                    shared = x;
                } else {
                    shared.retainAll(x);
                }
            }
            if (shared.isEmpty()) {
                return null;
            }
            double[] progress = shared.stream().mapToDouble(Double::doubleValue).toArray();
            double[] y = new double[progress.length];
            for (TrainingDynamics.Curve c : curves) {
                for (int i = 0, k = 0; i < c.progress().length; i++) {
                    if (shared.contains(c.progress()[i])) {
                        y[k++] += map.applyAsDouble(c.y()[i]) / curves.size();
                    }
                }
            }
            return new Mean(progress, y);
        }
    }
}
