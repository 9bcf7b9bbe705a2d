package org.neurosweep.methods.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checkpoint-dynamics statistics (docs/methods/capability-dynamics.md §2–§3, A3–A7) on curves whose answers are known
 * by construction.
 */
class TrajectoryAnalysisTest {

    private static final double[] STEPS = {250, 500, 1000, 2000, 4000, 8000, 16000};

    @Test
    void capabilityScoreIsZeroAtChanceAndOneAtPerfect() {
        assertEquals(0.0, CapabilityScore.of(25, 100, 0.25).normalized(), 1e-12);
        assertEquals(1.0, CapabilityScore.of(100, 100, 0.25).normalized(), 1e-12);
        assertEquals(-1.0, CapabilityScore.of(0, 100, 0.75).normalized(), 1e-12, "clipped to -1");
        assertEquals(Math.sqrt(0.5 * 0.5 / 100), CapabilityScore.of(50, 100, 0).stderr(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> CapabilityScore.of(3, 2, 0));
    }

    @Test
    void ranksShareTiesAndSpearmanIsOneForMonotoneCurves() {
        assertEquals(List.of(1.0, 2.5, 2.5, 4.0), toList(CurveStatistics.ranks(new double[] {1, 5, 5, 9})));
        assertEquals(1.0, CurveStatistics.spearman(STEPS, new double[] {0, 0.1, 0.15, 0.5, 0.9, 0.95, 0.99}), 1e-12);
        assertEquals(-1.0, CurveStatistics.pearson(new double[] {1, 2, 3}, new double[] {6, 4, 2}), 1e-12);
        assertEquals(2.0, CurveStatistics.olsSlope(new double[] {0, 1, 2}, new double[] {1, 3, 5}), 1e-12);
        assertTrue(Double.isNaN(CurveStatistics.pearson(new double[] {1, 2}, new double[] {3, 3})));
    }

    @Test
    void movingMedianRemovesASingleSpikeAndKeepsTheEnds() {
        double[] m = CurveStatistics.movingMedian(new double[] {0, 1, 9, 3, 4}, 3);
        assertEquals(List.of(0.0, 1.0, 3.0, 4.0, 4.0), toList(m));
    }

    @Test
    void earlyRisingCurveIsLabelledEarlyAndSaturates() {
        double[] y = {0.5, 0.97, 1.0, 1.0, 1.0, 1.0, 1.0};
        TrajectoryFeatures f = TrajectoryFeatures.of(STEPS, y, 16000);
        assertEquals(0.5, f.gain(), 1e-12);
        assertEquals(500.0, f.t50());
        assertEquals(500.0, f.t90());
        assertEquals("early", f.phase());
        assertEquals(1000.0, f.saturatedAt(), "flat from the third checkpoint on");
        assertEquals(0.0, f.lateSlope(), 1e-12);
        assertTrue(f.earlySlope() > 0);
    }

    @Test
    void lateRisingCurveIsLabelledLate() {
        double[] y = {0, 0, 0, 0, 0.1, 0.6, 1.0};
        TrajectoryFeatures f = TrajectoryFeatures.of(STEPS, y, 16000);
        assertEquals(8000.0, f.t50());
        assertEquals(16000.0, f.t90());
        assertEquals("late", f.phase());
        assertNull(f.saturatedAt());
    }

    @Test
    void flatCurveHasNoPhaseBoundaries() {
        TrajectoryFeatures f = TrajectoryFeatures.of(STEPS, new double[7], 16000);
        assertEquals("flat", f.phase());
        assertNull(f.t50());
        assertTrue(Double.isNaN(f.monotonicity()), "a constant series has no rank correlation");
    }

    @Test
    void trajectoryRejectsUnorderedProgress() {
        assertThrows(IllegalArgumentException.class,
                () -> TrajectoryFeatures.of(new double[] {2, 1}, new double[] {0, 1}, 2));
    }

    @Test
    void leadLagFindsTheShiftBetweenTwoCurves() {
        double[] g1 = {0, 0, 1, 3, 2, 5, 4, 6};
        double[] g2 = {0, 0, 0, 1, 3, 2, 5, 4};               // g1 one checkpoint later
        LeadLag l = LeadLag.of(g1, g2, 2);
        assertEquals(1, l.bestLag());
        assertEquals(1.0, l.corrBestLag(), 1e-12);
        assertTrue(l.corrLag0() < 1.0);
        assertNull(LeadLag.of(new double[] {1, 2}, new double[] {2, 1}, 1).bestLag(), "fewer than 3 overlapping points");
    }

    @Test
    void alignedCurvesOfOneShapeHaveZeroDistance() {
        double[] xa = {100, 200, 300, 400};
        double[] ya = {0.1, 0.4, 0.5, 0.9};
        double[] xb = {1000, 2000, 3000, 4000};                // the same run shape, ten times longer
        double[] yb = {10, 40, 50, 90};                        // on another scale
        CurveAlignment byFraction = CurveAlignment.of(CurveAlignment.Alignment.FRACTION, xa, ya, 400, xb, yb, 4000);
        assertEquals(0.0, byFraction.shapeDistance(), 1e-12);
        assertEquals(1.0, byFraction.spearmanDiff(), 1e-12);
        assertNull(CurveAlignment.of(CurveAlignment.Alignment.TOKENS, xa, ya, 400, xb, yb, 4000),
                "no shared token interval");
    }

    @Test
    void trainingDynamicsGroupsPointsIntoCurvesAndGroups() {
        List<TrainingDynamics.Point> points = new ArrayList<>();
        double[] know = {0.2, 0.6, 0.8, 0.9, 0.95};
        double[] inst = {0.0, 0.1, 0.5, 0.7, 0.8};
        for (int i = 0; i < 5; i++) {
            points.add(new TrainingDynamics.Point("dense", "mlama", "all", "world_knowledge", "accuracy", STEPS[4 - i], know[4 - i]));
            points.add(new TrainingDynamics.Point("dense", "instruct", "all", "instruction_following", "accuracy", STEPS[i], inst[i]));
            points.add(new TrainingDynamics.Point("moe", "mlama", "all", "world_knowledge", "accuracy", STEPS[i] * 2, know[i]));
        }
        List<TrainingDynamics.Curve> curves = TrainingDynamics.curves(points);
        assertEquals(3, curves.size());
        TrainingDynamics.Curve mlama = curves.stream().filter(c -> c.series().equals("dense") && c.benchmark().equals("mlama"))
                .findFirst().orElseThrow();
        assertEquals(List.of(250.0, 500.0, 1000.0, 2000.0, 4000.0), toList(mlama.progress()), "sorted by progress");
        assertEquals(0.95, mlama.y()[4], 1e-12);
        List<TrainingDynamics.GroupLeadLag> lags = TrainingDynamics.leadLag(curves, c -> true, 1);
        assertEquals(1, lags.size(), "one pair of groups in dense, one group in moe");
        assertEquals("instruction_following", lags.get(0).groupA());
        List<TrainingDynamics.SeriesAlignment> al = TrainingDynamics.alignments(curves);
        TrainingDynamics.SeriesAlignment byFraction = al.stream()
                .filter(a -> a.alignment().alignment() == CurveAlignment.Alignment.FRACTION).findFirst().orElseThrow();
        assertEquals(0.0, byFraction.alignment().shapeDistance(), 1e-12, "moe's curve is dense's at twice the steps");
        assertThrows(IllegalArgumentException.class, () -> TrainingDynamics.curves(List.of(points.get(0), points.get(0))));
    }

    private static List<Double> toList(double[] v) {
        return Arrays.stream(v).boxed().toList();
    }
}
