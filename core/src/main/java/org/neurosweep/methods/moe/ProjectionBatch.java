package org.neurosweep.methods.moe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Projection requests of several samples gathered into one stack of rows, so that {@link LpiProjection} projects them
 * together: W_U (d × V, about 100 MB at d 768, V 32k) is streamed once per block of rows for the whole micro-batch,
 * not once per sample and level, and the GEMMs are large enough to run at the BLAS's full rate. Each request is a
 * (rows, d) array of one sample with that sample's s* and tokens; {@link #project} returns each request's
 * log-probabilities, (rows, tokens), in request order.
 */
final class ProjectionBatch {
    private final List<INDArray> requests = new ArrayList<>();
    private final List<Double> scales = new ArrayList<>();
    private final List<int[]> tokens = new ArrayList<>();

    /** Adds {@code rows} (rows, d) of one sample read with divisor {@code sStar} at {@code tokens}; returns its index. */
    int add(INDArray rows, double sStar, int[] tokens) {
        requests.add(rows);
        scales.add(sStar);
        this.tokens.add(tokens);
        return requests.size() - 1;
    }

    boolean isEmpty() {
        return requests.isEmpty();
    }

    /** [request][row][token]: log P(token | row) for every request, all projected in one pass of {@code projection}. */
    double[][][] project(LpiProjection projection) {
        int n = 0;
        for (INDArray r : requests) {
            n += (int) r.size(0);
        }
        double[] s = new double[n];
        int[][] t = new int[n][];
        int at = 0;
        for (int i = 0; i < requests.size(); i++) {
            int rows = (int) requests.get(i).size(0);
            Arrays.fill(s, at, at + rows, scales.get(i));
            Arrays.fill(t, at, at + rows, tokens.get(i));
            at += rows;
        }
        INDArray stacked = requests.size() == 1 ? requests.get(0) : Nd4j.concat(0, requests.toArray(new INDArray[0]));
        double[][] lp = projection.logProbs(stacked, s, t);
        double[][][] out = new double[requests.size()][][];
        at = 0;
        for (int i = 0; i < out.length; i++) {
            int rows = (int) requests.get(i).size(0);
            out[i] = Arrays.copyOfRange(lp, at, at + rows);
            at += rows;
        }
        return out;
    }
}
