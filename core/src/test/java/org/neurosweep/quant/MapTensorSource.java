package org.neurosweep.quant;

import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.tensor.DType;
import org.neurosweep.tensor.TensorSource;

/** In-memory tensors as a {@link TensorSource}, for tests. */
final class MapTensorSource implements TensorSource {
    private final Map<String, INDArray> tensors;

    MapTensorSource(Map<String, INDArray> tensors) {
        this.tensors = tensors;
    }

    @Override
    public String location() {
        return "memory";
    }

    @Override
    public SortedSet<String> names() {
        return new TreeSet<>(tensors.keySet());
    }

    @Override
    public long[] shape(String name) {
        return tensors.get(name).shape();
    }

    @Override
    public DType dtype(String name) {
        return DType.forArray(tensors.get(name).dataType(), DType.F32);
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    @Override
    public INDArray load(String name, char order) {
        return tensors.get(name).dup(order);
    }

    @Override
    public void close() {
    }
}
