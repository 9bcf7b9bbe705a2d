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
        if (clients.size() != pi.length) {
            throw new IllegalArgumentException("need one weight per client model, got " + clients.size() + " models and "
                    + pi.length + " weights");
        }
        Accumulator sum = new Accumulator(pi);
        clients.forEach(sum::add);
        return sum.result();
    }

    /**
     * The weighted sum built one client at a time, so that the server holds the fp64 sum and one client's weights, never
     * all clients' at once. Clients are added in the order of their weights.
     */
    public static final class Accumulator {
        private final double[] pi;
        private int added;
        private ModelWeights first;
        private List<double[]> sums;

        public Accumulator(double[] pi) {
            double total = Arrays.stream(pi).sum();
            if (pi.length == 0 || Arrays.stream(pi).anyMatch(p -> !(p >= 0)) || Math.abs(total - 1) > SUM_TOLERANCE) {
                throw new IllegalArgumentException("aggregation weights must be a probability vector, got " + Arrays.toString(pi));
            }
            this.pi = pi.clone();
        }

        public void add(ModelWeights client) {
            if (added == pi.length) {
                throw new IllegalStateException("all " + pi.length + " clients are already added");
            }
            if (first == null) {
                first = client;
                sums = new ArrayList<>();
                client.values().forEach(v -> sums.add(new double[v.length]));
            } else if (!first.sameLayout(client)) {
                throw new IllegalArgumentException("client models differ in their parameters' names or shapes");
            }
            double w = pi[added++];
            for (int t = 0; t < sums.size(); t++) {
                double[] acc = sums.get(t);
                float[] v = client.values().get(t);
                for (int i = 0; i < acc.length; i++) {
                    acc[i] += w * v[i];
                }
            }
        }

        /** Σ_k π_k θ_k rounded to fp32; every client must have been added. */
        public ModelWeights result() {
            if (added != pi.length) {
                throw new IllegalStateException(added + " of " + pi.length + " clients added");
            }
            List<float[]> out = new ArrayList<>(sums.size());
            for (double[] acc : sums) {
                float[] f = new float[acc.length];
                for (int i = 0; i < acc.length; i++) {
                    f[i] = (float) acc[i];
                }
                out.add(f);
            }
            return new ModelWeights(first.names(), first.shapes(), out);
        }
    }
}
