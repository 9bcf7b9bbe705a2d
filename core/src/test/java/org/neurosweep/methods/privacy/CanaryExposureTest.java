package org.neurosweep.methods.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Exposure (Carlini et al. 2019) and the swing spec's invariants §3(g) on scorers whose ranks are known. */
class CanaryExposureTest {

    /** LP(c) = the candidate's number: "000" is the most likely, "999" the least. */
    private static final Function<List<String>, double[]> BY_VALUE =
            cs -> cs.stream().mapToDouble(Integer::parseInt).toArray();

    @Test
    void exactRankAndExposureOnAnEnumeratedSpace() {
        CanaryExposure exposure = new CanaryExposure(1000, 1);
        CanaryExposure.Result first = exposure.measure("000", BY_VALUE);
        assertFalse(first.sampled());
        assertEquals(999, first.candidates());
        assertEquals(1, first.rank());
        assertEquals(Math.log(1000) / Math.log(2), first.exposure(), 1e-12, "ranked first: log2 |R|");
        CanaryExposure.Result mid = exposure.measure("499", BY_VALUE);
        assertEquals(500, mid.rank());
        assertEquals(1.0, mid.exposure(), 1e-12);
        CanaryExposure.Result last = exposure.measure("999", BY_VALUE);
        assertEquals(1000, last.rank());
        assertEquals(0.0, last.exposure(), 1e-12, "ranked last: no exposure");
    }

    @Test
    void tiesDoNotCountAndScoringOrderDoesNotMatter() {
        double[] lps = {5, 1, 3, 3, 3, 7};
        CanaryExposure.Result r = CanaryExposure.of(3, lps, 7, false);
        assertEquals(2, r.rank(), "strictly lower only: the one candidate at 1");
        List<Double> shuffled = new ArrayList<>();
        for (double lp : lps) {
            shuffled.add(lp);
        }
        Collections.shuffle(shuffled, new Random(3));
        assertEquals(r, CanaryExposure.of(3, shuffled.stream().mapToDouble(Double::doubleValue).toArray(), 7, false));
    }

    @Test
    void aRandomScorerRanksSecretsInTheMiddle() {
        Random random = new Random(5);
        CanaryExposure exposure = new CanaryExposure(1000, 1);
        double rankSum = 0;
        int secrets = 100;
        for (int s = 0; s < secrets; s++) {
            CanaryExposure.Result r = exposure.measure(String.format("%03d", random.nextInt(1000)),
                    cs -> cs.stream().mapToDouble(c -> random.nextDouble()).toArray());
            assertTrue(r.exposure() >= 0 && r.exposure() <= Math.log(1000) / Math.log(2));
            rankSum += r.rank();
        }
        double meanRank = rankSum / secrets;
        assertEquals(500, meanRank, 80, "expected rank |R|/2");
        assertEquals(1.0, Math.log(1000 / meanRank) / Math.log(2), 0.2, "log2 |R| − log2 E[rank] ≈ 1");
    }

    @Test
    void sampledRankIsEstimatedAndTheSkewNormalExtrapolates() {
        // six digits; LP of a candidate ~ N(0, 1) (a hash-seeded draw), the secret 4 standard deviations below:
        // Φ(−4) = 3.17e-5, so the extrapolated exposure is −log2 Φ(−4) = 14.95 bits
        Function<List<String>, double[]> lp = cs -> cs.stream()
                .mapToDouble(c -> c.equals("000100") ? -4 : new Random(c.hashCode() * 0x9E3779B97F4A7C15L).nextGaussian()).toArray();
        CanaryExposure.Result r = new CanaryExposure(4000, 7).measure("000100", lp);
        assertTrue(r.sampled());
        assertEquals(4000, r.candidates());
        assertEquals(1e6, r.spaceSize());
        // about 0.13 of the 4000 draws lie below −4: the estimated rank is 1 + 250 per such draw
        assertEquals(0, (r.rank() - 1) % 249.99975, 1e-6);
        assertTrue(r.rank() <= 1 + 2 * 249.99975, "rank " + r.rank());
        assertEquals(Math.log(1e6 / r.rank()) / Math.log(2), r.exposure(), 1e-9);
        assertEquals(14.95, r.exposureExtrapolated(), 0.6);
    }

    @Test
    void skewNormalCdfMatchesKnownValues() {
        // α = 0: the normal distribution
        assertEquals(0.975002, new SkewNormal(0, 1, 0).cdf(1.96), 1e-6);
        // α = 1: F(0) = Φ(0) − 2 T(0, 1) = 1/2 − 2 · atan(1)/(2π) = 1/4
        assertEquals(0.25, new SkewNormal(0, 1, 1).cdf(0), 1e-6);
        // the fit recovers a normal sample's mean and spread
        Random random = new Random(1);
        double[] sample = new double[20000];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = 3 + 2 * random.nextGaussian();
        }
        SkewNormal fit = SkewNormal.fit(sample);
        assertEquals(0.5, fit.cdf(3), 0.02);
        assertEquals(0.8413, fit.cdf(5), 0.02);
    }
}
