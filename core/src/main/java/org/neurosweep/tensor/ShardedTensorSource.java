package org.neurosweep.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A sharded checkpoint: {@code model.safetensors.index.json} (or {@code pytorch_model.bin.index.json}) whose
 * {@code weight_map} maps each tensor name to a shard file in the index's directory, presented as one source.
 * All shards are opened (headers read and validated) on open; a shard that is missing, or that lacks a tensor the
 * index assigns to it, fails the open with the index file and the shard named.
 */
public final class ShardedTensorSource implements TensorSource {

    static final long MAX_INDEX_BYTES = 64L << 20;

    private final String location;
    private final SortedMap<String, TensorSource> shardOf;
    private final SortedSet<String> names;
    private final List<TensorSource> shards;
    private final Map<String, String> metadata;

    private ShardedTensorSource(String location, SortedMap<String, TensorSource> shardOf, List<TensorSource> shards,
                                Map<String, String> metadata) {
        this.location = location;
        this.shardOf = Collections.unmodifiableSortedMap(shardOf);
        this.names = Collections.unmodifiableSortedSet(new TreeSet<>(shardOf.keySet()));
        this.shards = List.copyOf(shards);
        this.metadata = metadata;
    }

    static ShardedTensorSource open(StorageLocation index) throws IOException {
        JsonNode root = readIndex(index);
        JsonNode weightMap = root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new TensorFormatException(index + ": no \"weight_map\" object");
        }
        Map<String, TensorSource> byFile = new LinkedHashMap<>();
        SortedMap<String, TensorSource> shardOf = new TreeMap<>();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String shard = shardName(index, e.getKey(), e.getValue());
                TensorSource source = byFile.get(shard);
                if (source == null) {
                    source = openShard(index, shard);
                    byFile.put(shard, source);
                }
                if (!source.contains(e.getKey())) {
                    throw new TensorFormatException(index + ": weight_map puts tensor '" + e.getKey() + "' in shard '"
                            + shard + "', which does not contain it");
                }
                shardOf.put(e.getKey(), source);
            }
        } catch (RuntimeException | IOException e) {
            byFile.values().forEach(TensorSource::close);
            throw e;
        }
        return new ShardedTensorSource(index.toString(), shardOf, new ArrayList<>(byFile.values()), metadata(root));
    }

    private static JsonNode readIndex(StorageLocation index) throws IOException {
        try (RandomAccessBytes bytes = index.openBytes()) {
            if (bytes.size() > MAX_INDEX_BYTES) {
                throw new TensorFormatException(index + ": index of " + bytes.size() + " bytes exceeds the limit of "
                        + MAX_INDEX_BYTES);
            }
            ByteBuffer buffer = bytes.read(0, (int) bytes.size());
            byte[] json = new byte[buffer.remaining()];
            buffer.get(json);
            JsonNode root = new ObjectMapper().readTree(json);
            if (root == null || !root.isObject()) {
                throw new TensorFormatException(index + ": not a JSON object");
            }
            return root;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new TensorFormatException(index + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The shard file of one weight_map entry: a relative path inside the index's directory. */
    private static String shardName(StorageLocation index, String tensor, JsonNode value) {
        String shard = value.isTextual() ? value.textValue() : "";
        if (shard.isEmpty() || shard.endsWith(".index.json") || shard.startsWith("/") || shard.contains("\\") || List.of(shard.split("/")).contains("..")) {
            throw new TensorFormatException(index + ": weight_map entry for tensor '" + tensor
                    + "' is not a file name in the index's directory: " + value);
        }
        return shard;
    }

    private static TensorSource openShard(StorageLocation index, String shard) throws IOException {
        StorageLocation file = index.sibling(shard);
        if (!file.exists()) {
            throw new TensorFormatException(index + ": shard '" + shard + "' named in weight_map is missing (" + file + ")");
        }
        return TensorSources.openFile(file);
    }

    private static Map<String, String> metadata(JsonNode root) {
        JsonNode node = root.get("metadata");
        Map<String, String> metadata = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> metadata.put(e.getKey(),
                    e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString()));
        }
        return Collections.unmodifiableMap(metadata);
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public SortedSet<String> names() {
        return names;
    }

    @Override
    public long[] shape(String name) {
        return shard(name).shape(name);
    }

    @Override
    public DType dtype(String name) {
        return shard(name).dtype(name);
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public INDArray load(String name, char order) {
        return shard(name).load(name, order);
    }

    private TensorSource shard(String name) {
        TensorSource shard = shardOf.get(name);
        if (shard == null) {
            throw new IllegalArgumentException(location + ": no tensor named '" + name + "' in weight_map");
        }
        return shard;
    }

    @Override
    public void close() {
        shards.forEach(TensorSource::close);
    }
}
