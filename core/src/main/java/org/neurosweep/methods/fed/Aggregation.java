package org.neurosweep.methods.fed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The server's step {@code θ_g = Σ_k π_k θ_k} over the clients' weights, each scalar accumulated in fp64 and rounded
 * to fp32 once. Because the π form a probability vector, aggregating identical models returns that model exactly: the
 * fp64 sum is the weight times (1 ± a few ulp of fp64), which rounds back to the same fp32 value.
 */
public final class Aggregation {

    /** How far from 1 the weights may sum (fp64 rounding of a normalised vector). */
    static final double SUM_TOLERANCE = 1e-9;

    private Aggregation() {
    }

    public static ModelWeights weightedAverage(List<ModelWeights> clients, double[] pi) {
        if (clients.isEmpty() || clients.size() != pi.length) {
            throw new IllegalArgumentException("need one weight per client model, got " + clients.size() + " models and "
                    + pi.length + " weights");
        }
        double sum = Arrays.stream(pi).sum();
        if (Arrays.stream(pi).anyMatch(p -> !(p >= 0)) || Math.abs(sum - 1) > SUM_TOLERANCE) {
            throw new IllegalArgumentException("aggregation weights must be a probability vector, got " + Arrays.toString(pi));
        }
        ModelWeights first = clients.get(0);
        for (ModelWeights c : clients) {
            if (!first.sameLayout(c)) {
                throw new IllegalArgumentException("client models differ in their parameters' names or shapes");
            }
        }
        List<float[]> out = new ArrayList<>(first.names().size());
        for (int t = 0; t < first.names().size(); t++) {
            int n = first.values().get(t).length;
            double[] acc = new double[n];
            for (int k = 0; k < clients.size(); k++) {
                float[] v = clients.get(k).values().get(t);
                double w = pi[k];
                for (int i = 0; i < n; i++) {
                    acc[i] += w * v[i];
                }
            }
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) acc[i];
            }
            out.add(f);
        }
        return new ModelWeights(first.names(), first.shapes(), out);
    }
}
