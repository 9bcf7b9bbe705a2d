package org.neurosweep.exec;

import org.neurosweep.autograd.Var;
import org.neurosweep.model.CausalLM;
import org.neurosweep.text.Tokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** A model held by an executor's {@link ModelCache}: the weights, the folder's tokenizer, their size. */
public record LoadedModel(CausalLM model, Tokenizer tokenizer, long bytes) {

    /** {@code model} and {@code tokenizer}, sized by the model's distinct weight arrays (a tied unembedding once). */
    public static LoadedModel of(CausalLM model, Tokenizer tokenizer) {
        return new LoadedModel(model, tokenizer, distinctWeights(model).stream()
                .mapToLong(a -> a.length() * a.dataType().width()).sum());
    }

    /** Frees the weights' off-heap memory now rather than at the next GC, and the tokenizer's native memory. */
    void close() {
        tokenizer.close();
        for (INDArray a : distinctWeights(model)) {
            if (a.closeable()) {
                a.close();
            }
        }
    }

    private static Set<INDArray> distinctWeights(CausalLM model) {
        Set<INDArray> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Var v : model.parameters().values()) {
            arrays.add(v.value());
        }
        return arrays;
    }
}
