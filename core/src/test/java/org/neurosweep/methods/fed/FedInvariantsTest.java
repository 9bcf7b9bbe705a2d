package org.neurosweep.methods.fed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The method spec's §4(g) invariants of the weights and the aggregation, without a model. */
class FedInvariantsTest {

    private static final double[] ENERGIES = {-3.2, -1.0, -7.5, -2.2, -2.2, -4.9};

    @Test
    void pseudoWeightsAverageOneBeforeClippingAndFallWithEnergy() {
        PseudoWeights.Weights w = PseudoWeights.of(ENERGIES, 3);
        assertEquals(1.0, Arrays.stream(w.unclipped()).average().orElseThrow(), 1e-12);
        for (int i = 0; i < ENERGIES.length; i++) {
            for (int j = 0; j < ENERGIES.length; j++) {
                if (ENERGIES[i] < ENERGIES[j]) {
                    assertTrue(w.unclipped()[i] >= w.unclipped()[j], "lower energy, larger weight");
                    assertTrue(w.clipped()[i] >= w.clipped()[j]);
                }
            }
            assertTrue(w.clipped()[i] >= 0 && w.clipped()[i] <= 3);
            assertEquals(Math.min(w.unclipped()[i], 3), w.clipped()[i], 0.0);
        }
        assertEquals(w.unclipped()[3], w.unclipped()[4], 0.0, "equal energies, equal weights");
    }

    @Test
    void clippingBitesOnAConfidentOutlier() {
        PseudoWeights.Weights w = PseudoWeights.of(new double[] {-20, 0, 0.1, 0.2, 0.1, 0}, 3);
        assertTrue(w.unclipped()[0] > 3, "the outlier's weight before clipping: " + w.unclipped()[0]);
        assertEquals(3.0, w.clipped()[0], 0.0);
    }

    @Test
    void pseudoWeightsIgnoreAConstantShiftAndFollowThePermutation() {
        double[] shifted = Arrays.stream(ENERGIES).map(e -> e + 41.5).toArray();
        assertArrayEquals(PseudoWeights.of(ENERGIES, 3).unclipped(), PseudoWeights.of(shifted, 3).unclipped(), 1e-12);
        int[] perm = {5, 2, 0, 4, 1, 3};
        double[] permuted = Arrays.stream(perm).mapToDouble(i -> ENERGIES[i]).toArray();
        double[] w = PseudoWeights.of(ENERGIES, 3).clipped();
        double[] wp = PseudoWeights.of(permuted, 3).clipped();
        for (int i = 0; i < perm.length; i++) {
            assertEquals(w[perm[i]], wp[i], 1e-12);
        }
    }

    @Test
    void equalEnergiesGiveWeightOne() {
        PseudoWeights.Weights w = PseudoWeights.of(new double[] {-2, -2, -2}, 3);
        assertArrayEquals(new double[] {1, 1, 1}, w.clipped(), 1e-12);
    }

    @Test
    void clientWeightsAreAProbabilityVector() {
        Random random = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            int k = 1 + random.nextInt(8);
            double[] local = random.doubles(k).toArray();
            double[] global = random.doubles(k).toArray();
            double[] sizes = random.doubles(k, 1, 20).toArray();
            for (double nu : new double[] {0, 0.5, 1}) {
                double[] pi = ClientWeights.adaptive(local, global, sizes, 0.1, nu);
                assertEquals(1.0, Arrays.stream(pi).sum(), 1e-12);
                assertTrue(Arrays.stream(pi).allMatch(p -> p >= 0));
            }
            assertArrayEquals(ClientWeights.fedAvg(sizes), ClientWeights.adaptive(local, global, sizes, 0.1, 1), 1e-15,
                    "ν = 1 is FedAvg");
        }
    }

    @Test
    void aDegradingClientGetsLessThanTheUniformShare() {
        double[] local = {0.6, 0.4, 0.5};
        double[] global = {0.5, 0.5, 0.5};      // client 1 degrades, client 0 gains, client 2 stays
        double[] pi = ClientWeights.adaptive(local, global, new double[] {8, 8, 8}, 0.1, 0);
        assertTrue(pi[1] < 1.0 / 3, Arrays.toString(pi));
        assertTrue(pi[0] > pi[2] && pi[2] > pi[1], Arrays.toString(pi));
        assertEquals(Math.log(3), ClientWeights.entropy(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}), 1e-12);
    }

    @Test
    void aggregatingIdenticalModelsReturnsTheModelExactly() {
        ModelWeights m = randomWeights(11);
        Random random = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int k = 2 + random.nextInt(6);
            double[] raw = random.doubles(k).toArray();
            double sum = Arrays.stream(raw).sum();
            double[] pi = Arrays.stream(raw).map(x -> x / sum).toArray();
            ModelWeights avg = Aggregation.weightedAverage(java.util.Collections.nCopies(k, m), pi);
            for (int t = 0; t < m.values().size(); t++) {
                assertArrayEquals(m.values().get(t), avg.values().get(t), 0f);
            }
            assertEquals(m.sha256(), avg.sha256());
        }
    }

    @Test
    void aggregationIsTheWeightedMean() {
        ModelWeights a = randomWeights(1);
        ModelWeights b = randomWeights(2);
        ModelWeights avg = Aggregation.weightedAverage(List.of(a, b), new double[] {0.25, 0.75});
        for (int t = 0; t < a.values().size(); t++) {
            for (int i = 0; i < a.values().get(t).length; i++) {
                assertEquals((float) (0.25 * a.values().get(t)[i] + 0.75 * b.values().get(t)[i]), avg.values().get(t)[i], 0f);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Aggregation.weightedAverage(List.of(a, b), new double[] {0.5, 0.6}));
        assertThrows(IllegalArgumentException.class, () -> Aggregation.weightedAverage(List.of(a, b), new double[] {1.5, -0.5}));
    }

    @Test
    void weightsSurviveTheirFileFormat() throws Exception {
        ModelWeights m = randomWeights(5);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        m.write(bytes);
        ModelWeights back = ModelWeights.read(new ByteArrayInputStream(bytes.toByteArray()), "test");
        assertEquals(m.names(), back.names());
        assertEquals(m.sha256(), back.sha256());
        assertNotEquals(m.sha256(), randomWeights(6).sha256());
    }

    static ModelWeights randomWeights(long seed) {
        Random random = new Random(seed);
        List<long[]> shapes = List.of(new long[] {3, 4}, new long[] {300_000});
        List<float[]> values = shapes.stream().map(s -> {
            float[] v = new float[(int) Arrays.stream(s).reduce(1, (x, y) -> x * y)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) random.nextGaussian() * (i % 7 == 0 ? 1e3f : 0.02f);
            }
            return v;
        }).toList();
        return new ModelWeights(List.of("a.weight", "b.bias"), shapes, values);
    }
}
