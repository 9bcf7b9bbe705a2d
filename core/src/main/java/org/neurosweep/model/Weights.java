package org.neurosweep.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Var;
import org.neurosweep.tensor.TensorSource;

/**
 * Binds checkpoint tensors by hub name, checks each shape against what the config implies, and lays each out
 * once in the order its use wants: projection weights (out, in) become (in, out) f-order GEMM operands.
 */
public final class Weights {
    private final TensorSource source;
    private final boolean trainable;
    private final Map<String, Var> bound = new LinkedHashMap<>();

    public Weights(TensorSource source, boolean trainable) {
        this.source = source;
        this.trainable = trainable;
    }

    public boolean has(String name) {
        return source.contains(name);
    }

    /** A projection stored as hub (out, in), returned as its transpose (in, out) in f-order. */
    public Var projection(String name, long out, long in) {
        INDArray w = load(name, out, in);
        return bind(name, w.transpose());
    }

    /** A vector (norm scale, bias) of length n. */
    public Var vector(String name, long n) {
        return bind(name, load(name, n));
    }

    /** A row-major table, e.g. the token embedding (vocab, d). */
    public Var table(String name, long rows, long cols) {
        return bind(name, load(name, rows, cols));
    }

    /** Every bound weight by hub name. */
    public Map<String, Var> bound() {
        return Collections.unmodifiableMap(bound);
    }

    /** Checkpoint tensors no binding asked for (e.g. stale rotary buffers); HF ignores these too. */
    public SortedSet<String> unbound() {
        SortedSet<String> rest = new TreeSet<>(source.names());
        rest.removeAll(bound.keySet());
        return rest;
    }

    private Var bind(String name, INDArray value) {
        Var v = Var.of(value, trainable);
        bound.put(name, v);
        return v;
    }

    private INDArray load(String name, long... expected) {
        if (!source.contains(name)) {
            throw new CheckpointException(source.location() + ": tensor '" + name + "' is missing");
        }
        long[] shape = source.shape(name);
        if (!Arrays.equals(shape, expected)) {
            throw new CheckpointException(source.location() + ": tensor '" + name + "' has shape "
                    + Arrays.toString(shape) + " but the config implies " + Arrays.toString(expected));
        }
        return source.load(name, 'c');
    }
}
