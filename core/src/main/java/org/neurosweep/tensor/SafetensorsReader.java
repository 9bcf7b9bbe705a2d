package org.neurosweep.tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.Collections;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One safetensors file. Local files are memory-mapped ({@link MappedFileBytes}, 1 GiB windows, so files over 2 GB
 * work); files on other file systems are read with positioned reads ({@link HadoopFileBytes}). The header is read
 * and validated on open; tensor bytes are read on {@link #load}.
 */
public final class SafetensorsReader implements TensorSource {

    private final RandomAccessBytes file;
    private final SafetensorsHeader header;
    private final SortedSet<String> names;

    private SafetensorsReader(RandomAccessBytes file) throws IOException {
        this.file = file;
        try {
            this.header = SafetensorsHeader.read(file);
        } catch (RuntimeException | IOException e) {
            file.close();
            throw e;
        }
        this.names = Collections.unmodifiableSortedSet(new TreeSet<>(header.tensors().keySet()));
    }

    /** Opens a local file, memory-mapped. */
    public static SafetensorsReader open(Path file) throws IOException {
        return new SafetensorsReader(new MappedFileBytes(file));
    }

    /** Opens a local file mapped in windows of {@code windowBytes}; small windows test reads across window boundaries. */
    static SafetensorsReader open(Path file, long windowBytes) throws IOException {
        return new SafetensorsReader(new MappedFileBytes(file, windowBytes));
    }

    /** Reads from {@code file}, which this reader closes. */
    static SafetensorsReader open(RandomAccessBytes file) throws IOException {
        return new SafetensorsReader(file);
    }

    @Override
    public String location() {
        return file.location();
    }

    @Override
    public SortedSet<String> names() {
        return names;
    }

    @Override
    public long[] shape(String name) {
        return info(name).shape().clone();
    }

    @Override
    public DType dtype(String name) {
        return info(name).dtype();
    }

    @Override
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public INDArray load(String name, char order) {
        TensorInfo info = info(name);
        try {
            return TensorDecoder.decode(file, info.position(), info.dtype(), info.shape(), order);
        } catch (IOException e) {
            throw new UncheckedIOException(location() + ": reading tensor '" + name + "' failed: " + e.getMessage(), e);
        }
    }

    private TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw new IllegalArgumentException(location() + ": no tensor named '" + name + "' among " + names.size());
        }
        return info;
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(location() + ": close failed", e);
        }
    }
}
