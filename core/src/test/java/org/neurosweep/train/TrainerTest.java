package org.neurosweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Linear;
import org.neurosweep.autograd.Losses;
import org.neurosweep.autograd.Var;

/** The loop on a softmax classifier over fixed features: learning, determinism, accumulation. */
class TrainerTest {

    private record Example(double[] features, int label) {
    }

    private static List<Example> data(int n, long seed) {
        Random r = new Random(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] f = new double[4];
            for (int k = 0; k < 4; k++) {
                f[k] = r.nextGaussian();
            }
            out.add(new Example(f, f[0] + 0.5 * f[1] > 0 ? 1 : (f[2] > 0 ? 2 : 0)));
        }
        return out;
    }

    private static Trainer.Objective<Example> classifier(Var w) {
        return (batch, scope) -> {
            double[][] x = new double[batch.size()][];
            int[] y = new int[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                x[i] = batch.get(i).features();
                y[i] = batch.get(i).label();
            }
            return Losses.crossEntropy(Linear.matmul(Var.constant(Nd4j.createFromArray(x)), w), y, -100);
        };
    }

    private static INDArray train(TrainingConfig config, Function<List<Var>, Optimizer> optimizer,
                                  LearningRateSchedule schedule, List<StepLog> logs) {
        Var w = Var.param(Nd4j.zeros(DataType.DOUBLE, 4, 3));
        new Trainer<Example>(config, optimizer.apply(List.of(w)), schedule).train(data(64, 1), classifier(w), logs::add);
        return w.value();
    }

    @Test
    void lossFallsAndRunsRepeatExactly() {
        TrainingConfig config = new TrainingConfig(60, 8, 2, 1.0, 42);
        LearningRateSchedule cosine = LearningRateSchedule.cosine(0.05, 5, 60, 0.0);
        List<StepLog> logs = new ArrayList<>();
        INDArray first = train(config, AdamW::withDefaults, cosine, logs);
        double early = logs.subList(0, 5).stream().mapToDouble(StepLog::loss).average().orElseThrow();
        double late = logs.subList(55, 60).stream().mapToDouble(StepLog::loss).average().orElseThrow();
        assertTrue(late < 0.6 * early, "loss " + early + " → " + late);
        assertEquals(0.0, logs.get(0).learningRate(), 0.0);

        assertEquals(first, train(config, AdamW::withDefaults, cosine, new ArrayList<>()), "same seed, same weights");
        assertNotEquals(first, train(new TrainingConfig(60, 8, 2, 1.0, 43), AdamW::withDefaults, cosine, new ArrayList<>()));
    }

    @Test
    void accumulatingTwoHalvesEqualsOneFullBatch() {
        LearningRateSchedule constant = LearningRateSchedule.constant(0.5, 0);
        INDArray whole = train(new TrainingConfig(1, 8, 1, 0, 7), Sgd::new, constant, new ArrayList<>());
        INDArray halves = train(new TrainingConfig(1, 4, 2, 0, 7), Sgd::new, constant, new ArrayList<>());
        assertTrue(whole.sub(halves).amaxNumber().doubleValue() < 1e-12);
        assertTrue(whole.amaxNumber().doubleValue() > 0, "the step moved the weights");
    }

    @Test
    void nonFiniteLossStopsTheRunNamingTheStep() {
        Var w = Var.param(Nd4j.zeros(DataType.DOUBLE, 4, 3));
        Trainer<Example> trainer = new Trainer<>(new TrainingConfig(3, 2, 1, 0, 1), new Sgd(List.of(w)),
                LearningRateSchedule.constant(0.1, 0));
        TrainingException e = assertThrows(TrainingException.class, () -> trainer.train(data(4, 2),
                (batch, scope) -> org.neurosweep.autograd.Elementwise.scale(classifier(w).loss(batch, scope), Double.POSITIVE_INFINITY), l -> { }));
        assertTrue(e.getMessage().contains("step 0"), e.getMessage());
    }
}
