package org.neurosweep.quant;

import java.util.Random;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded random initialisations of adapter factors, drawn with {@link java.util.Random} so that a seed gives the same
 * factors on every platform and backend (adapters are small: r × in values, drawn once per run). Arrays are
 * detached from any workspace.
 */
final class Draws {

    private Draws() {
    }

    /** (rows, cols) c-order, N(0, std²). */
    static INDArray normal(long seed, int rows, int cols, double std) {
        Random random = new Random(seed);
        float[] v = new float[rows * cols];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) (random.nextGaussian() * std);
        }
        return detached(v, rows, cols);
    }

    /** (rows, cols) c-order, U(−bound, bound). */
    static INDArray uniform(long seed, int rows, int cols, double bound) {
        Random random = new Random(seed);
        float[] v = new float[rows * cols];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
        return detached(v, rows, cols);
    }

    private static INDArray detached(float[] v, int rows, int cols) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.createFromArray(v).reshape('c', rows, cols);
        }
    }
}
