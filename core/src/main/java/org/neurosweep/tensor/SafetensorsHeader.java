package org.neurosweep.tensor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The validated header of a safetensors file: 8-byte little-endian header length N, then N bytes of JSON
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}}, then the data region.
 *
 * <p>Nothing is allocated from an unchecked header number: N is checked against the file size (and the 100 MB cap of
 * the reference implementation) before the header is read, every data_offsets pair is checked against the data region,
 * and every shape × dtype size against its byte length.
 */
record SafetensorsHeader(String location, SortedMap<String, TensorInfo> tensors, Map<String, String> metadata) {

    static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    static SafetensorsHeader read(RandomAccessBytes file) throws IOException {
        String location = file.location();
        long size = file.size();
        if (size < 8) {
            throw new TensorFormatException(location + ": truncated: " + size + " bytes, fewer than the 8-byte header length");
        }
        long headerBytes = file.read(0, 8).getLong(0);
        if (headerBytes < 0 || headerBytes > size - 8) {
            throw new TensorFormatException(location + ": header length " + Long.toUnsignedString(headerBytes)
                    + " exceeds the " + (size - 8) + " bytes that follow it (file of " + size + " bytes)");
        }
        if (headerBytes > MAX_HEADER_BYTES) {
            throw new TensorFormatException(location + ": header length " + headerBytes + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        JsonNode root = parseJson(location, file.read(8, (int) headerBytes));
        return fromJson(location, root, 8 + headerBytes, size - 8 - headerBytes);
    }

    private static JsonNode parseJson(String location, ByteBuffer header) {
        byte[] bytes = new byte[header.remaining()];
        header.get(bytes);
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
            throw new TensorFormatException(location + ": header is not valid JSON (at header byte " + at + "): "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new TensorFormatException(location + ": header is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new TensorFormatException(location + ": header is not a JSON object");
        }
        return root;
    }

    private static SafetensorsHeader fromJson(String location, JsonNode root, long dataStart, long dataBytes) {
        SortedMap<String, TensorInfo> tensors = new TreeMap<>();
        Map<String, String> metadata = Map.of();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = metadata(location, field.getValue());
            } else {
                tensors.put(field.getKey(), tensor(location, field.getKey(), field.getValue(), dataStart, dataBytes));
            }
        }
        return new SafetensorsHeader(location, Collections.unmodifiableSortedMap(tensors), metadata);
    }

    private static Map<String, String> metadata(String location, JsonNode node) {
        if (!node.isObject()) {
            throw new TensorFormatException(location + ": " + METADATA_KEY + " is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new TensorFormatException(location + ": " + METADATA_KEY + " key '" + e.getKey()
                        + "' has a non-string value " + e.getValue());
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static TensorInfo tensor(String location, String name, JsonNode node, long dataStart, long dataBytes) {
        String where = location + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new TensorFormatException(where + ": header entry is not a JSON object");
        }
        JsonNode dtypeNode = node.get("dtype");
        DType dtype = dtypeNode != null && dtypeNode.isTextual() ? DType.fromHeaderName(dtypeNode.textValue()) : null;
        if (dtype == null) {
            throw new TensorFormatException(where + ": unknown dtype " + dtypeNode + " (supported: "
                    + Arrays.toString(DType.values()) + ")");
        }
        long[] shape = nonNegativeLongs(where, "shape", node.get("shape"), -1);
        long[] offsets = nonNegativeLongs(where, "data_offsets", node.get("data_offsets"), 2);
        if (offsets[0] > offsets[1] || offsets[1] > dataBytes) {
            throw new TensorFormatException(where + ": data_offsets " + Arrays.toString(offsets) + " do not lie inside the "
                    + dataBytes + " data bytes after the header (file truncated or header corrupt)");
        }
        long byteLength = offsets[1] - offsets[0];
        long expected;
        try {
            expected = Math.multiplyExact(TensorDecoder.product(shape), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new TensorFormatException(where + ": shape " + Arrays.toString(shape) + " overflows a 64-bit byte count");
        }
        if (expected != byteLength) {
            throw new TensorFormatException(where + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + expected + " bytes but data_offsets " + Arrays.toString(offsets) + " span " + byteLength);
        }
        return new TensorInfo(name, dtype, shape, dataStart + offsets[0], byteLength);
    }

    /** A JSON array of non-negative integers; {@code length} -1 accepts any length. */
    private static long[] nonNegativeLongs(String where, String key, JsonNode node, int length) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw new TensorFormatException(where + ": " + key + " is " + node + ", not an array of "
                    + (length >= 0 ? length + " " : "") + "non-negative integers");
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new TensorFormatException(where + ": " + key + " element " + v + " is not a non-negative 64-bit integer");
            }
            values[i] = v.longValue();
        }
        return values;
    }
}
