package org.neurosweep.tensor;

import java.util.Map;
import java.util.SortedSet;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Named tensors of one checkpoint (a safetensors file, a sharded index, or a torch.save zip).
 *
 * <p>Loaded arrays are fresh, detached from any ND4J workspace, and owned by the caller; floating-point
 * tensors are widened to fp32 (see {@link DType#loadedType()}). Implementations are safe for concurrent loads.
 */
public interface TensorSource extends AutoCloseable {

    /** The file or index this source reads, as it appears in error messages. */
    String location();

    /** Tensor names, sorted. */
    SortedSet<String> names();

    /** The tensor's shape; a copy. */
    long[] shape(String name);

    /** The tensor's stored dtype. */
    DType dtype(String name);

    /** String metadata (safetensors {@code __metadata__}, a shard index's {@code metadata}); empty when none. */
    Map<String, String> metadata();

    /**
     * The tensor as an array of {@code dtype(name).loadedType()} and the given shape.
     *
     * @param order 'c' (row-major) or 'f' (column-major, the layout GEMM operands want)
     * @throws IllegalArgumentException when there is no tensor of that name
     * @throws java.io.UncheckedIOException when the bytes cannot be read
     */
    INDArray load(String name, char order);

    /** The tensor in row-major order. */
    default INDArray load(String name) {
        return load(name, 'c');
    }

    default boolean contains(String name) {
        return names().contains(name);
    }

    @Override
    void close();
}
