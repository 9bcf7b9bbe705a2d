package org.neurosweep.model.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sampling rules on hand-made logits: argmax ties, top-k, the nucleus, temperature, seeds. */
class TokenSamplerTest {

    @Test
    void greedyTakesTheLowestIdAmongEqualMaxima() {
        assertEquals(1, TokenSampler.argmax(new float[] {0f, 3f, -1f, 3f}));
        TokenSampler greedy = new TokenSampler(Sampling.greedy());
        assertEquals(1, greedy.next(new float[] {0f, 3f, -1f, 3f}, new SplittableRandom(1)));
    }

    @Test
    void topKKeepsTheKHighestLogitsLowerIdFirstOnTies() {
        float[] logits = {1f, 5f, 2f, 5f, 4f, -3f};
        TokenSampler.Candidates c = new TokenSampler(Sampling.atTemperature(1).withTopK(3)).candidates(logits);
        assertArrayEquals(new int[] {1, 3, 4}, c.ids());
        double z = 2 * Math.exp(5) + Math.exp(4);
        assertArrayEquals(new double[] {Math.exp(5) / z, Math.exp(5) / z, Math.exp(4) / z}, c.probabilities(), 1e-12);
    }

    /** For random logits and p: the kept tokens are the most probable ones, reach p, and reach it only with all of them. */
    @Test
    void topPKeepsTheSmallestMostProbableSetWhoseProbabilityReachesP() {
        SplittableRandom random = new SplittableRandom(42);
        for (int trial = 0; trial < 200; trial++) {
            float[] logits = new float[50];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (random.nextGaussian() * 3);
            }
            double p = 0.05 + 0.9 * random.nextDouble();
            double temperature = 0.5 + random.nextDouble();
            double[] probs = softmax(logits, temperature);
            TokenSampler.Candidates c = new TokenSampler(Sampling.atTemperature(temperature).withTopP(p)).candidates(logits);
            double kept = 0;
            double smallestKept = 1;
            for (int id : c.ids()) {
                kept += probs[id];
                smallestKept = Math.min(smallestKept, probs[id]);
            }
            assertTrue(kept >= p - 1e-12, "trial " + trial + ": the kept mass " + kept + " reaches p = " + p);
            assertTrue(kept - smallestKept < p, "trial " + trial + ": dropping the least probable falls below p");
            for (int id = 0; id < logits.length; id++) {
                boolean in = contains(c.ids(), id);
                assertTrue(in || probs[id] <= smallestKept, "trial " + trial + ": token " + id + " is more probable than a kept one");
            }
            double renormalised = 0;
            for (int i = 0; i < c.ids().length; i++) {
                assertEquals(probs[c.ids()[i]] / kept, c.probabilities()[i], 1e-9);
                renormalised += c.probabilities()[i];
            }
            assertEquals(1.0, renormalised, 1e-9);
        }
    }

    @Test
    void drawsFollowTheTemperedDistributionAndRepeatWithTheSeed() {
        float[] logits = {2f, 1f, 0f, -1f};
        double temperature = 1.7;
        TokenSampler sampler = new TokenSampler(Sampling.atTemperature(temperature));
        int draws = 40_000;
        int[] counts = new int[logits.length];
        SplittableRandom rng = new SplittableRandom(5);
        SplittableRandom twin = new SplittableRandom(5);
        for (int i = 0; i < draws; i++) {
            int token = sampler.next(logits, rng);
            assertEquals(token, sampler.next(logits, twin), "draw " + i + " with the same seed");
            counts[token]++;
        }
        double[] expected = softmax(logits, temperature);
        for (int v = 0; v < logits.length; v++) {
            double sd = Math.sqrt(expected[v] * (1 - expected[v]) / draws);
            assertEquals(expected[v], counts[v] / (double) draws, 5 * sd, "token " + v);
        }
    }

    @Test
    void logProbabilityIsTheLogSoftmax() {
        float[] logits = {0.5f, -2f, 3f};
        double[] p = softmax(logits, 1);
        for (int v = 0; v < logits.length; v++) {
            assertEquals(Math.log(p[v]), TokenSampler.logProbability(logits, v), 1e-12);
        }
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Sampling(-1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Sampling.atTemperature(1).withTopP(0));
        assertThrows(IllegalArgumentException.class, () -> Sampling.atTemperature(1).withTopP(1.5));
        assertThrows(IllegalArgumentException.class, () -> Sampling.atTemperature(1).withTopK(-2));
        assertThrows(IllegalArgumentException.class, () -> GenerationSettings.greedy(0));
    }

    private static double[] softmax(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double z = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            z += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= z;
        }
        return p;
    }

    private static boolean contains(int[] ids, int id) {
        for (int i : ids) {
            if (i == id) {
                return true;
            }
        }
        return false;
    }
}
