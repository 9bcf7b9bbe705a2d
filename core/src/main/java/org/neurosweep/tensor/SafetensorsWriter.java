package org.neurosweep.tensor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes safetensors files that the Hugging Face {@code safetensors} library loads: 8-byte little-endian header
 * length N, N bytes of JSON (optional {@code __metadata__} first, then tensors sorted by name, each
 * {@code {dtype, shape, data_offsets}} with offsets contiguous in that order from 0), padded with spaces so that N is a
 * multiple of 8, then the row-major little-endian data.
 *
 * <p>Floating-point arrays are written as the floating dtype chosen at construction (F32, BF16 or F16; narrowing
 * rounds to nearest even); INT, LONG, BYTE, UBYTE and BOOL arrays keep their type (I32, I64, I8, U8, BOOL).
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DType floatType;
    private final Map<String, String> metadata;

    /**
     * @param floatType F32, BF16 or F16
     * @param metadata  written as {@code __metadata__} when not empty
     */
    public SafetensorsWriter(DType floatType, Map<String, String> metadata) {
        if (!floatType.isFloatingPoint()) {
            throw new IllegalArgumentException("floating-point arrays can be written as F32, BF16 or F16, not " + floatType);
        }
        this.floatType = floatType;
        this.metadata = Map.copyOf(metadata);
    }

    /** F32, no metadata. */
    public SafetensorsWriter() {
        this(DType.F32, Map.of());
    }

    /** Writes {@code <file>.partial}, then renames it over {@code file}: readers never see a partial file. */
    public void write(Path file, Map<String, INDArray> tensors) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            try (OutputStream out = Files.newOutputStream(partial)) {
                write(out, tensors);
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Writes the whole file to {@code out} (which stays open), e.g. a Hadoop {@code FileSystem.create} stream. */
    public void write(OutputStream out, Map<String, INDArray> tensors) throws IOException {
        SortedMap<String, INDArray> sorted = new TreeMap<>(tensors);
        Map<String, DType> dtypes = new LinkedHashMap<>();
        sorted.forEach((name, array) -> dtypes.put(name, dtypeOf(name, array)));
        byte[] header = header(sorted, dtypes);
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.write(header);
        for (Map.Entry<String, INDArray> e : sorted.entrySet()) {
            TensorEncoder.write(e.getValue(), dtypes.get(e.getKey()), out);
        }
    }

    private DType dtypeOf(String name, INDArray array) {
        if (name.equals(SafetensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("tensor name " + SafetensorsHeader.METADATA_KEY + " is reserved");
        }
        try {
            return DType.forArray(array.dataType(), floatType);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tensor '" + name + "': " + e.getMessage(), e);
        }
    }

    /** The JSON header, space-padded to a multiple of 8 bytes. */
    private byte[] header(SortedMap<String, INDArray> tensors, Map<String, DType> dtypes) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray array = e.getValue();
            DType dtype = dtypes.get(e.getKey());
            long bytes = Math.multiplyExact(array.length(), dtype.byteSize());
            ObjectNode entry = root.putObject(e.getKey());
            entry.put("dtype", dtype.name());
            Arrays.stream(array.shape()).forEach(entry.putArray("shape")::add);
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(root);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }
}
