package org.neurosweep.methods.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.methods.lens.LogitLens;
import org.neurosweep.methods.lens.Unembedding;
import org.neurosweep.model.CausalLM;
import org.neurosweep.testutil.RepoPaths;

/**
 * Rows of several samples projected together (each request with its own s* and tokens, blocks of rows that cut
 * across requests) give every request the log-probabilities it gets alone, and the gain bound of stacked rows with
 * per-row s* and target is each row's own.
 */
class ProjectionBatchTest {

    private static final double TOLERANCE = 1e-5;

    @Test
    void stackedRequestsGetWhatEachGetsAlone() {
        CausalLM model = CausalLM.load(RepoPaths.golden("qwen2_moe"));
        int d = model.config().hiddenSize();
        LpiProjection wide = new LpiProjection(new LogitLens(Unembedding.of(model)), 64);
        LpiProjection narrow = new LpiProjection(new LogitLens(Unembedding.of(model)), 3);  // blocks cut across requests
        Nd4j.getRandom().setSeed(11);
        INDArray[] rows = {Nd4j.randn(DataType.FLOAT, 4, d), Nd4j.randn(DataType.FLOAT, 1, d), Nd4j.randn(DataType.FLOAT, 6, d)};
        double[] s = {0.6, 1.9, 3.5};
        int[][] tokens = {{3, 17}, {40, 2}, {9, 9}};
        ProjectionBatch batch = new ProjectionBatch();
        for (int i = 0; i < rows.length; i++) {
            assertEquals(i, batch.add(rows[i], s[i], tokens[i]));
        }
        double[][][] stacked = batch.project(narrow);
        assertEquals(rows.length, stacked.length);
        for (int i = 0; i < rows.length; i++) {
            double[][] alone = wide.logProbs(rows[i], s[i], tokens[i]);
            assertEquals(alone.length, stacked[i].length, "request " + i);
            for (int r = 0; r < alone.length; r++) {
                for (int j = 0; j < 2; j++) {
                    assertEquals(alone[r][j], stacked[i][r][j], TOLERANCE, "request " + i + " row " + r + " token " + j);
                }
            }
        }
        // requests really differ: another scale gives other log-probabilities
        assertFalse(Math.abs(wide.logProbs(rows[1], s[0], tokens[1])[0][0] - stacked[1][0][0]) < TOLERANCE);
    }

    @Test
    void gainBoundOfStackedRowsIsEachRowsOwn() {
        CausalLM model = CausalLM.load(RepoPaths.golden("mixtral"));
        int d = model.config().hiddenSize();
        LpiProjection projection = new LpiProjection(new LogitLens(Unembedding.of(model)), 64);
        Nd4j.getRandom().setSeed(12);
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, d);
        double[] s = {0.8, 1.3, 2.2};
        int[] target = {5, 5, 31};
        INDArray together = projection.gainBound(x, s, target);
        for (int i = 0; i < 3; i++) {
            INDArray alone = projection.gainBound(x.getRow(i).reshape(1, d), new double[] {s[i]}, new int[] {target[i]});
            assertEquals(0.0, alone.sub(together.getRow(i).reshape(1, d)).amaxNumber().doubleValue(),
                    1e-5 * alone.amaxNumber().doubleValue(), "row " + i);
        }
    }

    @Test
    void mismatchedScalesAreRejected() {
        CausalLM model = CausalLM.load(RepoPaths.golden("mixtral"));
        LpiProjection projection = new LpiProjection(new LogitLens(Unembedding.of(model)), 64);
        INDArray x = Nd4j.zeros(DataType.FLOAT, 2, model.config().hiddenSize());
        assertThrows(IllegalArgumentException.class, () -> projection.logProbs(x, new double[] {1}, new int[][] {{0}, {0}}));
    }
}
