package org.neurosweep.jobs.fed;

import java.io.Serializable;
import org.neurosweep.methods.fed.ModelWeights;

/**
 * The global model between rounds, as the rounds shape carries it: before the first aggregation the checkpoint's own
 * weights (both fields null); afterwards either the weights themselves ({@code weights}, riding in the client kernels'
 * factory, i.e. Spark's task binary) or, above the job's {@code inline-state-mb}, the location of the file the
 * aggregation wrote among its artifacts ({@code location}).
 *
 * @param model    the model's name in the sweep (every client of an experiment trains the same one)
 * @param weights  the global weights inline, or null
 * @param location the URI of the global weights file, or null
 * @param sha256   SHA-256 of the global weights ({@link ModelWeights#sha256()}), null before the first aggregation
 * @param bytes    their size in fp32, 0 before the first aggregation
 */
record FedState(String model, ModelWeights weights, String location, String sha256, long bytes) implements Serializable {

    static FedState pretrained(String model) {
        return new FedState(model, null, null, null, 0);
    }

    boolean isPretrained() {
        return weights == null && location == null;
    }
}
