package org.neurosweep.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Several threads running MoE forwards at once, as Spark task threads of one executor do: the experts' lanes set BLAS
 * to one thread process-wide while they run, so the forwards overlap with BLAS at one or at several threads. Every
 * forward must still give the logits of a forward run alone, and BLAS's thread count must be back afterwards.
 */
class ConcurrentMoeForwardTest {

    @Test
    void overlappingMoeForwardsGiveTheLogitsOfOneAlone() throws Exception {
        CausalLM model = GoldenModels.load("mixtral");
        int blasThreads = Nd4j.factory().blas().getMaxThreads();
        List<Batch> batches = new ArrayList<>();
        List<INDArray> alone = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Batch batch = Batch.of(new int[][] {GoldenModels.tokens(16, model.config().vocabSize(), 40 + i),
                GoldenModels.tokens(16, model.config().vocabSize(), 50 + i)});
            batches.add(batch);
            alone.add(GoldenModels.logits(model, batch));
        }
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<Double>> errors = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int which = i;
                errors.add(threads.submit(() -> {
                    double worst = 0;
                    for (int run = 0; run < 10; run++) {
                        INDArray logits = GoldenModels.logits(model, batches.get(which));
                        worst = Math.max(worst, GoldenModels.relError(logits, alone.get(which)));
                    }
                    return worst;
                }));
            }
            for (int i = 0; i < errors.size(); i++) {
                double err = errors.get(i).get();
                assertTrue(err < 1e-6, "thread " + i + ": relative error " + err + " against the forward run alone");
            }
        } finally {
            threads.shutdown();
        }
        assertEquals(blasThreads, Nd4j.factory().blas().getMaxThreads(), "BLAS threads restored");
    }
}
