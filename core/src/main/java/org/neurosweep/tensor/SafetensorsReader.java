package org.neurosweep.tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One safetensors file. Local files are memory-mapped ({@link MappedFileBytes}, 1 GiB windows, so files over 2 GB
 * work); files on other file systems are read with positioned reads ({@link HadoopFileBytes}). The header is read
 * and validated on open; tensor bytes are read on {@link #load}.
 */
public final class SafetensorsReader extends FileTensorSource<TensorInfo> {

    private final SafetensorsHeader header;

    private SafetensorsReader(RandomAccessBytes file, SafetensorsHeader header) {
        super(file, header.tensors());
        this.header = header;
    }

    /** Opens a local file, memory-mapped. */
    public static SafetensorsReader open(Path file) throws IOException {
        return open(new MappedFileBytes(file));
    }

    /** Opens a local file mapped in windows of {@code windowBytes}; small windows test reads across window boundaries. */
    static SafetensorsReader open(Path file, long windowBytes) throws IOException {
        return open(new MappedFileBytes(file, windowBytes));
    }

    /** Reads from {@code file}, which this reader closes (at once, when the header is not valid). */
    static SafetensorsReader open(RandomAccessBytes file) throws IOException {
        SafetensorsHeader header;
        try {
            header = SafetensorsHeader.read(file);
        } catch (RuntimeException | IOException e) {
            file.close();
            throw e;
        }
        return new SafetensorsReader(file, header);
    }

    @Override
    public long[] shape(String name) {
        return tensor(name).shape().clone();
    }

    @Override
    public DType dtype(String name) {
        return tensor(name).dtype();
    }

    @Override
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public INDArray load(String name, char order) {
        TensorInfo info = tensor(name);
        try {
            return TensorDecoder.decode(file, info.position(), info.dtype(), info.shape(), order);
        } catch (IOException e) {
            throw readFailed(name, e);
        }
    }
}
