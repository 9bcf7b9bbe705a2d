package org.neurosweep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.tensor.DType;
import org.neurosweep.tensor.SafetensorsReader;

class CheckpointWriterTest {

    @TempDir
    Path tmp;

    @Test
    void writesHubTensorsAndAConfigWithFloat32() throws IOException {
        Path source = tmp.resolve("source");
        Files.createDirectories(source);
        Files.writeString(source.resolve("config.json"), "{\"model_type\": \"llama\", \"torch_dtype\": \"bfloat16\"}");
        Files.writeString(source.resolve("tokenizer.json"), "{\"version\": \"1.0\"}");
        INDArray proj = Nd4j.rand(DataType.FLOAT, 3, 5);
        INDArray norm = Nd4j.rand(DataType.FLOAT, 5);

        Path out = tmp.resolve("ckpt");
        CheckpointWriter.write(out, Map.of("model.layers.0.mlp.down_proj.weight", proj, "model.norm.weight", norm),
                source.resolve("config.json"), Map.of("training_step", 300), source);

        try (SafetensorsReader r = SafetensorsReader.open(out.resolve("model.safetensors"))) {
            assertEquals("pt", r.metadata().get("format"));
            assertEquals(DType.F32, r.dtype("model.layers.0.mlp.down_proj.weight"));
            assertArrayEquals(new long[] {3, 5}, r.shape("model.layers.0.mlp.down_proj.weight"));
            assertEquals(proj, r.load("model.layers.0.mlp.down_proj.weight", 'c'));
            assertEquals(norm, r.load("model.norm.weight", 'c'));
        }
        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals("float32", config.get("torch_dtype").asText());
        assertEquals("llama", config.get("model_type").asText());
        assertEquals(300, config.get("training_step").asInt());
        assertTrue(Files.exists(out.resolve("tokenizer.json")));
        assertFalse(Files.exists(tmp.resolve("ckpt.partial")));
    }

    @Test
    void aBrokenSourceConfigIsNamedAndNothingIsWritten() throws IOException {
        Path config = tmp.resolve("config.json");
        Files.writeString(config, "{\"model_type\": ");
        Path out = tmp.resolve("ckpt");
        IOException e = assertThrows(IOException.class, () -> CheckpointWriter.write(out,
                Map.of("w", Nd4j.ones(2)), config, Map.of(), null));
        assertTrue(e.getMessage().contains(config.toString()), e.getMessage());
        assertFalse(Files.exists(out));
    }
}
