package org.neurosweep.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.neurosweep.tensor.TensorAssertions.assertSameTensor;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.testutil.RepoPaths;

/** The factory's dispatch (file vs index vs directory, local vs Hadoop) and reading through Hadoop's FileSystem API. */
class TensorSourcesTest {

    @TempDir
    Path tmp;

    private static org.apache.hadoop.fs.Path hadoopPath(Path local) {
        return new org.apache.hadoop.fs.Path(local.toUri());
    }

    @Test
    void shardedCheckpointThroughHadoopEqualsLocalSingleFile() throws IOException {
        try (TensorSource hadoop = TensorSources.openHadoop(hadoopPath(RepoPaths.golden("llama_sharded")), new Configuration());
             TensorSource local = TensorSources.open(RepoPaths.golden("llama").resolve("model.safetensors"))) {
            assertInstanceOf(ShardedTensorSource.class, hadoop);
            assertTrue(hadoop.location().startsWith("file:/"), "read through Hadoop: " + hadoop.location());
            assertEquals(local.names(), hadoop.names());
            for (String name : local.names()) {
                assertSameTensor(name, local.load(name), hadoop.load(name));
                assertSameTensor(name + " f", local.load(name, 'f'), hadoop.load(name, 'f'));
            }
        }
    }

    @Test
    void singleFileThroughHadoopEqualsMemoryMapped() throws IOException {
        Path file = RepoPaths.golden("llama_bf16").resolve("model.safetensors");
        try (TensorSource hadoop = TensorSources.openHadoop(hadoopPath(file), new Configuration());
             TensorSource mapped = TensorSources.open(file)) {
            assertInstanceOf(SafetensorsReader.class, hadoop);
            assertEquals(mapped.metadata(), hadoop.metadata());
            for (String name : mapped.names()) {
                assertSameTensor(name, mapped.load(name), hadoop.load(name));
            }
        }
    }

    @Test
    void stringsPickLocalOrHadoopAndFileOrIndex() throws IOException {
        Path dir = RepoPaths.golden("llama_sharded");
        try (TensorSource byUri = TensorSources.open(dir.toUri().toString());
             TensorSource byPath = TensorSources.open(dir.toString());
             TensorSource byIndex = TensorSources.open(dir.resolve("model.safetensors.index.json").toString());
             TensorSource byShard = TensorSources.open(dir.resolve("model-00001-of-00005.safetensors").toString())) {
            assertFalse(byUri.location().startsWith("file:"), "file: URIs are memory-mapped: " + byUri.location());
            assertEquals(byPath.names(), byUri.names());
            assertEquals(byPath.names(), byIndex.names());
            assertInstanceOf(SafetensorsReader.class, byShard);
            assertEquals(java.util.Set.of("lm_head.weight"), byShard.names());
        }
        FileNotFoundException missing = assertThrows(FileNotFoundException.class,
                () -> TensorSources.open(tmp.resolve("nothing-here").toString()));
        assertTrue(missing.getMessage().contains("nothing-here"));
        FileNotFoundException empty = assertThrows(FileNotFoundException.class, () -> TensorSources.open(tmp));
        assertTrue(empty.getMessage().contains("model.safetensors"));
    }

    @Test
    void indexEntriesMustPointAtTensorsInsideTheDirectory() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("model"));
        Files.copy(RepoPaths.golden("llama_sharded").resolve("model-00001-of-00005.safetensors"),
                dir.resolve("model-00001-of-00005.safetensors"));
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\":{\"model.norm.weight\":\"model-00001-of-00005.safetensors\"}}",
                StandardCharsets.UTF_8);
        TensorFormatException absent = assertThrows(TensorFormatException.class, () -> TensorSources.open(dir));
        assertTrue(absent.getMessage().contains(index.toString()) && absent.getMessage().contains("'model.norm.weight'"),
                absent.getMessage());
        Files.writeString(index, "{\"weight_map\":{\"lm_head.weight\":\"../elsewhere.safetensors\"}}", StandardCharsets.UTF_8);
        TensorFormatException escape = assertThrows(TensorFormatException.class, () -> TensorSources.open(dir));
        assertTrue(escape.getMessage().contains("../elsewhere.safetensors"), escape.getMessage());
        Files.writeString(index, "{\"metadata\":{}}", StandardCharsets.UTF_8);
        TensorFormatException noMap = assertThrows(TensorFormatException.class, () -> TensorSources.open(index.toString()));
        assertTrue(noMap.getMessage().contains("weight_map"), noMap.getMessage());
    }

    @Test
    void missingShardThroughHadoopNamesIndexAndShard() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("partial"));
        Files.copy(RepoPaths.golden("llama_sharded").resolve("model.safetensors.index.json"),
                dir.resolve("model.safetensors.index.json"));
        TensorFormatException e = assertThrows(TensorFormatException.class,
                () -> TensorSources.openHadoop(hadoopPath(dir), new Configuration()));
        assertTrue(e.getMessage().contains("model.safetensors.index.json") && e.getMessage().contains("model-0000"),
                e.getMessage());
    }
}
