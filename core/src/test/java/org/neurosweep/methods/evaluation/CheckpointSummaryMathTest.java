package org.neurosweep.methods.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.tensor.SafetensorsReader;
import org.neurosweep.testutil.RepoPaths;

/**
 * Steps A5, A8 and A9 of the checkpoint study (docs/methods/capability-dynamics.md §3) on curves whose answers are
 * known by construction: an exact line between two benchmarks, an exact power law over compute, a crafted regression.
 */
class CheckpointSummaryMathTest {

    private static final double[] STEPS = {250, 500, 1000, 2000, 4000, 8000};

    @Test
    void anExactLineIsRecoveredAndPredictsTheHeldOutCheckpointsPerfectly() {
        double[] known = {0.05, 0.2, 0.3, 0.55, 0.6, 0.8};
        double[] unseen = new double[known.length];
        for (int i = 0; i < known.length; i++) {
            unseen[i] = -0.1 + 1.5 * known[i];
        }
        WithinGroupPrediction p = WithinGroupPrediction.of(known, unseen, 3);
        assertEquals(1.5, p.beta(), 1e-12);
        assertEquals(-0.1, p.alpha(), 1e-12);
        assertEquals(0.0, p.mae(), 1e-12);
        assertEquals(1.0, p.r2Heldout(), 1e-12);
        assertEquals(1.0, p.pearson(), 1e-12);
        assertEquals(1.0, p.spearman(), 1e-12);
        assertEquals(6, p.points());
    }

    @Test
    void aLineFittedOnTheEarlyPartMissesALaterBreak() {
        double[] known = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
        double[] unseen = {0.1, 0.2, 0.3, 0.3, 0.3, 0.3};             // B stops improving after the fit window
        WithinGroupPrediction p = WithinGroupPrediction.of(known, unseen, 3);
        assertEquals(1.0, p.beta(), 1e-12);
        assertEquals((0.1 + 0.2 + 0.3) / 3, p.mae(), 1e-12, "predicted 0.4, 0.5, 0.6 against 0.3");
        assertTrue(Double.isNaN(p.r2Heldout()), "held-out y_B is constant");
        assertTrue(p.spearman() < 1.0);
    }

    @Test
    void predictionIsUndefinedWithTooFewFitPointsOrAConstantKnownCurve() {
        WithinGroupPrediction one = WithinGroupPrediction.of(new double[] {0.1, 0.4}, new double[] {0.2, 0.5}, 1);
        assertTrue(Double.isNaN(one.alpha()) && Double.isNaN(one.beta()) && Double.isNaN(one.mae()));
        assertEquals(1.0, one.pearson(), 1e-12, "the correlations cover the whole trajectory");
        WithinGroupPrediction flat = WithinGroupPrediction.of(new double[] {0.3, 0.3, 0.3, 0.5}, new double[] {0, 1, 2, 3}, 3);
        assertTrue(Double.isNaN(flat.beta()));
        assertEquals(3, WithinGroupPrediction.fitPoints(5, 0.5));
        assertEquals(1, WithinGroupPrediction.fitPoints(2, 0.5));
        assertEquals(2, WithinGroupPrediction.fitPoints(4, 0.5));
        assertEquals(4, WithinGroupPrediction.fitPoints(4, 1.0));
    }

    @Test
    void withinGroupPairsEveryOrderedPairOfBenchmarksOfAGroupOnSharedCheckpoints() {
        List<TrainingDynamics.Point> points = new ArrayList<>();
        for (int i = 0; i < STEPS.length; i++) {
            double x = Math.log10(STEPS[i]);
            points.add(new TrainingDynamics.Point("s", "mmlu", "all", "examination", "accuracy", STEPS[i], 0.1 * x));
            points.add(new TrainingDynamics.Point("s", "ceval", "all", "examination", "accuracy", STEPS[i], 0.3 + 0.2 * x));
            points.add(new TrainingDynamics.Point("s", "trivia", "all", "world_knowledge", "accuracy", STEPS[i], x));
            if (i % 2 == 0) {
                points.add(new TrainingDynamics.Point("s", "cmmlu", "all", "examination", "accuracy", STEPS[i], x));
            }
        }
        List<TrainingDynamics.GroupPrediction> out = TrainingDynamics.withinGroup(TrainingDynamics.curves(points),
                c -> true, 0.5);
        assertEquals(6, out.size(), "3 x 2 ordered pairs in examination, none in a group of one");
        TrainingDynamics.GroupPrediction ceFromMm = out.stream()
                .filter(g -> g.benchKnown().equals("mmlu") && g.benchUnseen().equals("ceval")).findFirst().orElseThrow();
        assertEquals(2.0, ceFromMm.prediction().beta(), 1e-9);
        assertEquals(STEPS[2], ceFromMm.fitCutoff(), "3 of 6 checkpoints fitted");
        TrainingDynamics.GroupPrediction withCm = out.stream()
                .filter(g -> g.benchKnown().equals("cmmlu") && g.benchUnseen().equals("mmlu")).findFirst().orElseThrow();
        assertEquals(3, withCm.prediction().points(), "only the checkpoints both curves have");
        assertEquals(STEPS[2], withCm.fitCutoff(), "2 of the 3 shared checkpoints fitted");
    }

    @Test
    void anExactPowerLawOverComputeIsRecovered() {
        double n = 4.2e6;
        double[][] cases = {{2.1, 3.0e3, 0.28}, {0.05, 40.0, 0.12}, {1.0, 9.0e5, 0.5}};
        for (double[] truth : cases) {
            double[] c = new double[STEPS.length];
            double[] y = new double[STEPS.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = 6 * n * STEPS[i] * 8192;
                y[i] = truth[0] + truth[1] * Math.pow(c[i], -truth[2]);
            }
            PowerLawFit f = PowerLawFit.fit(c, y);
            assertEquals(truth[2], f.alpha(), 1e-4, Arrays.toString(truth));
            assertEquals(truth[0], f.e(), 1e-3 * Math.max(1, Math.abs(truth[0])), Arrays.toString(truth));
            assertEquals(1.0, f.a() / truth[1], 1e-2, Arrays.toString(truth));
            assertEquals(1.0, f.r2(), 1e-9);
            for (int i = 0; i < c.length; i++) {
                assertEquals(y[i], f.at(c[i]), 1e-6 * Math.abs(y[i]));
            }
        }
    }

    @Test
    void aPowerLawFitNeedsMorePointsThanParametersAndAVaryingCurve() {
        assertFalse(PowerLawFit.fit(new double[] {1e9, 2e9, 4e9}, new double[] {3, 2, 1.5}).defined());
        assertFalse(PowerLawFit.fit(new double[] {1e9, 2e9, 4e9, 8e9}, new double[] {2, 2, 2, 2}).defined());
        PowerLawFit noisy = PowerLawFit.fit(new double[] {1e9, 2e9, 4e9, 8e9, 1.6e10}, new double[] {3, 2.4, 2.3, 1.9, 1.85});
        assertTrue(noisy.defined() && noisy.r2() > 0.8 && noisy.r2() < 1.0, noisy.toString());
    }

    @Test
    void lossImprovingWhileTwoGroupsRegressRaisesTheAlarmInThatPhaseOnly() {
        double[] x = {100, 200, 300, 400, 500, 600, 700, 800, 900};
        double[] loss = {5, 4.5, 4.2, 4.0, 3.9, 3.8, 3.7, 3.6, 3.5};
        double[] rising = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
        double[] dropsAt8 = rising.clone();
        dropsAt8[7] = 0.4;                                             // at progress 800: -0.3 against 0.7
        double[] se = new double[x.length];
        Arrays.fill(se, 0.02);
        PhaseMonitoring.LossCurve l = new PhaseMonitoring.LossCurve(x, loss);
        List<PhaseMonitoring.GroupCurve> two = List.of(new PhaseMonitoring.GroupCurve("a", x, dropsAt8, se),
                new PhaseMonitoring.GroupCurve("b", x, dropsAt8, se), new PhaseMonitoring.GroupCurve("c", x, rising, se));
        assertEquals(List.of(800.0), PhaseMonitoring.alarms(l, two));
        List<PhaseMonitoring.Phase> phases = PhaseMonitoring.recommend(List.of(), l, two, 900);
        assertEquals(List.of("early", "mid", "late"), phases.stream().map(PhaseMonitoring.Phase::name).toList());
        assertEquals(List.of(List.of(), List.of(), List.of(PhaseMonitoring.UNSTABLE)),
                phases.stream().map(PhaseMonitoring.Phase::alarms).toList());
        assertEquals(600.0, phases.get(2).from(), 1e-9);

        List<PhaseMonitoring.GroupCurve> one = List.of(new PhaseMonitoring.GroupCurve("a", x, dropsAt8, se),
                new PhaseMonitoring.GroupCurve("c", x, rising, se));
        assertTrue(PhaseMonitoring.alarms(l, one).isEmpty(), "one regressing group is not enough");
        double[] wideSe = se.clone();
        Arrays.fill(wideSe, 0.2);
        assertTrue(PhaseMonitoring.alarms(l, List.of(new PhaseMonitoring.GroupCurve("a", x, dropsAt8, wideSe),
                new PhaseMonitoring.GroupCurve("b", x, dropsAt8, wideSe))).isEmpty(), "a drop within 2 standard errors");
        double[] lossUp = loss.clone();
        lossUp[7] = 3.75;
        assertTrue(PhaseMonitoring.alarms(new PhaseMonitoring.LossCurve(x, lossUp), two).isEmpty(),
                "the loss got worse too: not the unstable pattern");
    }

    @Test
    void recommendationDropsSaturatedAndChanceMetricsAndRanksBySignalToNoise() {
        double[] x = {100, 200, 300, 400, 500, 600, 700, 800, 900};
        int n = x.length;
        double[] none = new double[n];
        Arrays.fill(none, Double.NaN);
        double[] zero = new double[n];
        double[] steep = new double[n];
        double[] gentle = new double[n];
        double[] saturating = new double[n];
        for (int i = 0; i < n; i++) {
            steep[i] = 0.8 * Math.log10(x[i]);
            gentle[i] = 0.2 * Math.log10(x[i]);
            saturating[i] = i < 2 ? 0.3 * i : 0.6;                      // flat from the third checkpoint on
        }
        double[] chance = new double[n];
        Arrays.fill(chance, 0.25);
        double[] chanceSe = new double[n];
        Arrays.fill(chanceSe, 0.05);
        List<PhaseMonitoring.Metric> metrics = List.of(
                new PhaseMonitoring.Metric("gentle", x, gentle, gentle, none, none),
                new PhaseMonitoring.Metric("steep", x, steep, steep, none, none),
                new PhaseMonitoring.Metric("saturating", x, saturating, saturating, none, none),
                new PhaseMonitoring.Metric("at-chance", x, steep, chance, chance, chanceSe));
        List<PhaseMonitoring.Phase> phases = PhaseMonitoring.recommend(metrics, null, List.of(), 900);
        List<String> early = phases.get(0).metricIds();
        assertEquals(Set.of("steep", "saturating", "gentle"), Set.copyOf(early),
                "early: the saturating metric still moves; the chance-level one is dropped");
        assertTrue(early.indexOf("steep") < early.indexOf("gentle"));
        assertEquals(List.of("steep", "gentle"), phases.get(2).metricIds(), "late: saturated metrics are dropped");
        List<Double> snr = phases.get(2).snr();
        assertTrue(snr.get(0) > snr.get(1));
        assertEquals(4.0, snr.get(0) / snr.get(1), 1e-9, "same noise floor, four times the slope");
        assertTrue(phases.stream().allMatch(p -> p.alarms().isEmpty()), "no loss curve, no alarm");
    }

    @Test
    void parameterCountsMatchTheWeightsFilesWithoutEmbeddingsAndHead() throws IOException {
        for (String model : List.of("dense-step00250", "moe_deep")) {
            ModelConfig config = ModelConfig.read(RepoPaths.world(model));
            long inFile = 0;
            try (SafetensorsReader r = SafetensorsReader.open(RepoPaths.world(model).resolve("model.safetensors"))) {
                for (String name : r.names()) {
                    if (!name.contains("embed_tokens") && !name.startsWith("lm_head")) {
                        inFile += Arrays.stream(r.shape(name)).reduce(1, (a, b) -> a * b);
                    }
                }
            }
            assertEquals(inFile, ParameterCount.nonEmbedding(config), model);
            if (config.isMoe()) {
                assertTrue(ParameterCount.activeNonEmbedding(config) < inFile, "top-2 of 8 experts");
            } else {
                assertEquals(inFile, ParameterCount.activeNonEmbedding(config));
            }
        }
    }
}
