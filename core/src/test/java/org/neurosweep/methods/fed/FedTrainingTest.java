package org.neurosweep.methods.fed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.neurosweep.methods.pad.ResponseSampler;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelLoader;
import org.neurosweep.model.generate.Sampling;
import org.neurosweep.testutil.RepoPaths;
import org.neurosweep.train.LmExample;

/** Local training, energies and replay on the golden tiny Llama (3 layers, d 64, vocabulary 1,024). */
class FedTrainingTest {

    private static final String LLAMA = RepoPaths.golden("llama").toString();
    private static final int PAD = 0;

    private static List<FedExample> batch(long seed, int n) {
        Random random = new Random(seed);
        List<FedExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int length = 5 + random.nextInt(6);
            int[] tokens = random.ints(length, 1, 1024).toArray();
            out.add(FedExample.fewShot(new LmExample(tokens, 2 + random.nextInt(2))));
        }
        return out;
    }

    private static ModelWeights trainOneSgdStep(List<FedExample> data) {
        CausalLM model = ModelLoader.load(LLAMA, true);
        new LocalTraining("sgd", 0.5, 1, data.size(), 1, 0).train(model, data, PAD);
        return ModelWeights.of(model);
    }

    @Test
    void fedAvgOfOneSgdStepPerClientIsCentralisedSgdOnTheUnion() {
        List<List<FedExample>> clients = List.of(batch(1, 3), batch(2, 3), batch(3, 3), batch(4, 3));
        List<ModelWeights> updates = clients.stream().map(FedTrainingTest::trainOneSgdStep).toList();
        ModelWeights fedAvg = Aggregation.weightedAverage(updates, ClientWeights.fedAvg(new double[] {3, 3, 3, 3}));
        ModelWeights central = trainOneSgdStep(clients.stream().flatMap(List::stream).toList());
        ModelWeights start = ModelWeights.of(ModelLoader.load(LLAMA, false));

        double maxStep = 0;
        double maxDiff = 0;
        for (int t = 0; t < start.values().size(); t++) {
            float[] s = start.values().get(t);
            float[] f = fedAvg.values().get(t);
            float[] c = central.values().get(t);
            double tensorStep = 0;
            for (int i = 0; i < s.length; i++) {
                tensorStep = Math.max(tensorStep, Math.abs(c[i] - s[i]));
            }
            maxStep = Math.max(maxStep, tensorStep);
            for (int i = 0; i < s.length; i++) {
                // fp32 rounding: a few ulp of the weight, plus the gradient's reduction order (relative to the step)
                double tol = 4 * Math.ulp(Math.abs(s[i])) + 1e-5 * tensorStep;
                maxDiff = Math.max(maxDiff, Math.abs(f[i] - c[i]) - tol);
            }
        }
        assertTrue(maxStep > 1e-3, "the step moves the weights: " + maxStep);
        assertTrue(maxDiff <= 0, "FedAvg and centralised SGD differ beyond fp32 rounding by " + maxDiff);
    }

    @Test
    void energyIsTheMeanNegativeLogSumExpAndIgnoresOrderAndBatching() {
        CausalLM model = ModelLoader.load(LLAMA, false);
        List<LmExample> samples = batch(9, 5).stream().map(FedExample::sequence).toList();
        double[] e = new SequenceEnergy(model, 1, 2, PAD).energies(samples);
        double[] one = new SequenceEnergy(model, 1, 1, PAD).energies(samples);
        List<LmExample> reversed = new ArrayList<>(samples);
        java.util.Collections.reverse(reversed);
        double[] r = new SequenceEnergy(model, 1, 3, PAD).energies(reversed);
        for (int i = 0; i < e.length; i++) {
            assertEquals(one[i], e[i], 1e-4, "batching");
            assertEquals(e[i], r[e.length - 1 - i], 1e-4, "order");
        }
        // a direct computation of one sample's energy from its own logits
        LmExample s = samples.get(0);
        try (var f = model.forward(org.neurosweep.model.Batch.of(s.tokens()))) {
            var logits = f.logits().value();
            double sum = 0;
            for (int j = s.promptLength(); j < s.tokens().length; j++) {
                double[] row = logits.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(j - 1), org.nd4j.linalg.indexing.NDArrayIndex.all())
                        .toDoubleVector();
                double max = java.util.Arrays.stream(row).max().orElseThrow();
                sum += -(max + Math.log(java.util.Arrays.stream(row).map(x -> Math.exp(x - max)).sum()));
            }
            assertEquals(sum / (s.tokens().length - s.promptLength()), e[0], 1e-4);
        }
        double[] hot = new SequenceEnergy(model, 2, 2, PAD).energies(samples);
        assertNotEquals(e[0], hot[0], "the temperature enters");
    }

    /** A whole client round of FewFedWeight: pseudo labels, energies, weights, local training. */
    private static String clientRound(List<FedExample> fewShot, long seed) {
        CausalLM global = ModelLoader.load(LLAMA, false);
        List<int[]> inputs = fewShot.stream().map(e -> java.util.Arrays.copyOf(e.sequence().tokens(), e.sequence().promptLength())).toList();
        List<ResponseSampler.Sample> pseudo = new ResponseSampler(global, Sampling.greedy(), 4, 1023, 2).sample(inputs, 1, seed);
        List<LmExample> pairs = IntStream.range(0, inputs.size())
                .mapToObj(i -> LmExample.of(inputs.get(i), pseudo.get(i).tokens())).toList();
        double[] energies = new SequenceEnergy(global, 1, 2, PAD).energies(pairs);
        double[] w = PseudoWeights.of(energies, 3).clipped();
        List<FedExample> data = new ArrayList<>(fewShot);
        IntStream.range(0, pairs.size()).forEach(i -> data.add(FedExample.pseudo(pairs.get(i), w[i])));
        CausalLM local = ModelLoader.load(LLAMA, true);
        new LocalTraining("adamw", 1e-3, 3, 4, 1, seed).train(local, data, PAD);
        return java.util.Arrays.toString(energies) + java.util.Arrays.toString(w) + ModelWeights.of(local).sha256();
    }

    @Test
    void aClientRoundReplaysExactlyWithTheSameSeeds() {
        List<FedExample> data = batch(21, 4);
        String first = clientRound(data, 5);
        assertEquals(first, clientRound(data, 5), "same seeds, same pseudo data, weights and tensors");
        assertNotEquals(first, clientRound(data, 6), "the seed orders the local examples");
    }

    @Test
    void pseudoRowsWithZeroWeightDoNotMoveTheLoss() {
        CausalLM model = ModelLoader.load(LLAMA, false);
        List<FedExample> few = batch(31, 2);
        List<FedExample> mixed = new ArrayList<>(few);
        batch(32, 2).forEach(e -> mixed.add(FedExample.pseudo(e.sequence(), 0)));
        LocalObjective objective = new LocalObjective(model, PAD, 1);
        try (var scope = new org.neurosweep.train.Trainer.Scope(); var scope2 = new org.neurosweep.train.Trainer.Scope()) {
            double plain = objective.loss(few, scope).value().getDouble(0);
            double withZero = objective.loss(mixed, scope2).value().getDouble(0);
            assertEquals(plain, withZero, 1e-5);
            assertTrue(plain > 0);
        }
        assertArrayEquals(new double[] {1}, new double[] {FedExample.fewShot(few.get(0).sequence()).weight()});
    }
}
