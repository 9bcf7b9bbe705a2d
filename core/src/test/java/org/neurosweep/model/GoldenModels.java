package org.neurosweep.model;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.hook.Hooks;
import org.neurosweep.testutil.RepoPaths;

/** The golden tiny models, each loaded once per test JVM, and forward helpers for tests. */
final class GoldenModels {
    private static final Map<String, CausalLM> MODELS = new ConcurrentHashMap<>();

    private GoldenModels() {
    }

    static CausalLM load(String family) {
        return MODELS.computeIfAbsent(family, f -> CausalLM.load(RepoPaths.golden(f)));
    }

    /** Detached logits of a forward. */
    static INDArray logits(CausalLM model, Batch batch, Hooks hooks) {
        try (Forward f = model.forward(batch, hooks, null)) {
            return f.logits().value().detach();
        }
    }

    static INDArray logits(CausalLM model, Batch batch) {
        return logits(model, batch, Hooks.none());
    }

    /** max |a − b| / max |b|. */
    static double relError(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue() / b.amaxNumber().doubleValue();
    }

    /** A deterministic token row of {@code length} ids below {@code vocab}, from {@code seed}. */
    static int[] tokens(int length, int vocab, int seed) {
        java.util.Random r = new java.util.Random(seed);
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = 2 + r.nextInt(vocab - 2);
        }
        return ids;
    }
}
