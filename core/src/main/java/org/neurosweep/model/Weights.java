package org.neurosweep.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.neurosweep.autograd.Var;
import org.neurosweep.quant.PackedLinear;
import org.neurosweep.tensor.TensorSource;

/**
 * Binds checkpoint tensors by hub name, checks each shape against what the config implies, and lays each out
 * once in the order its use wants: projection weights (out, in) become (in, out) f-order GEMM operands.
 */
public final class Weights {
    private final TensorSource source;
    private final Predicate<String> trainable;
    private final Function<String, PackedLinear> packed;
    private final Map<String, Var> bound = new LinkedHashMap<>();
    private final Set<String> boundPacked = new TreeSet<>();

    public Weights(TensorSource source, boolean trainable) {
        this(source, name -> trainable);
    }

    /** Binds the tensors whose hub names {@code trainable} accepts as parameters, the others as constants. */
    public Weights(TensorSource source, Predicate<String> trainable) {
        this(source, trainable, name -> null);
    }

    /**
     * As {@link #Weights(TensorSource, Predicate)}, with projection weights held packed: {@link #packed} asks
     * {@code packed} (by hub weight name; null: not packed) for the layer of each projection as it binds and hands it
     * over; the projection then dequantizes it at use.
     */
    public Weights(TensorSource source, Predicate<String> trainable, Function<String, PackedLinear> packed) {
        this.source = source;
        this.trainable = trainable;
        this.packed = packed;
    }

    public boolean has(String name) {
        return source.contains(name);
    }

    /** A projection stored as hub (out, in), returned as its transpose (in, out) in f-order. */
    public Var projection(String name, long out, long in) {
        INDArray w = load(name, out, in);
        return bind(name, w.transpose());
    }

    /**
     * The packed form of projection weight {@code name} (hub (out, in)), or null when it is bound as an fp32 tensor.
     * A packed weight is no parameter: it is absent from {@link #bound()}.
     */
    public PackedLinear packed(String name, long out, long in) {
        PackedLinear p = packed.apply(name);
        if (p == null) {
            return null;
        }
        if (p.out() != out || p.in() != in) {
            throw new CheckpointException(source.location() + ": packed tensor '" + name + "' has shape ["
                    + p.out() + ", " + p.in() + "] but the config implies [" + out + ", " + in + "]");
        }
        boundPacked.add(name);
        return p;
    }

    /**
     * Two projections of the same input, hub (out, in) each (a SwiGLU's gate_proj and up_proj), bound as (in, out)
     * f-order views of one joint (in, 2·out) f-order matrix, first then second: one GEMM computes both. The views
     * share the joint's memory, so in-place updates of either weight (training) are seen through the joint.
     */
    public ProjectionPair projectionPair(String first, String second, long out, long in) {
        INDArray firstHub = load(first, out, in);
        INDArray secondHub = load(second, out, in);
        INDArray joint;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            joint = Nd4j.createUninitialized(firstHub.dataType(), new long[] {2 * out, in}, 'c');   // rows: first, second
        }
        INDArray a = joint.get(NDArrayIndex.interval(0, out), NDArrayIndex.all()).assign(firstHub);
        INDArray b = joint.get(NDArrayIndex.interval(out, 2 * out), NDArrayIndex.all()).assign(secondHub);
        return new ProjectionPair(bind(first, a.transpose()), bind(second, b.transpose()), joint.transpose());
    }

    /**
     * Two bound projection weights (in, out) and their joint (in, 2·out), all f-order views of one buffer.
     */
    public record ProjectionPair(Var first, Var second, INDArray joint) {
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
        rest.removeAll(boundPacked);
        return rest;
    }

    private Var bind(String name, INDArray value) {
        Var v = Var.of(value, trainable.test(name));
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
