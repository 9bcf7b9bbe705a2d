package org.neurosweep.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.tensor.DType;
import org.neurosweep.tensor.SafetensorsWriter;

/**
 * Writes a checkpoint that Hugging Face {@code from_pretrained} loads: {@code model.safetensors}
 * (hub tensor names and layouts, F32, metadata {@code format=pt}), {@code config.json} (the source
 * config with its dtype set to float32 and any extra keys, e.g. {@code training_step}), and
 * optionally the tokenizer files. The directory appears complete or not at all: everything is
 * written to a sibling {@code .partial} directory that is then renamed.
 */
public final class CheckpointWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TOKENIZER_FILES = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"};

    private CheckpointWriter() {
    }

    /**
     * @param dir           the checkpoint directory (replaced if it exists)
     * @param hubTensors    name → array in the hub layout, e.g. {@code model.layers.0.mlp.down_proj.weight} (out, in)
     * @param sourceConfig  the config.json of the model that was trained
     * @param extraConfig   keys to add or replace in config.json
     * @param tokenizerDir  a directory whose tokenizer files are copied, or null
     */
    public static void write(Path dir, Map<String, INDArray> hubTensors, Path sourceConfig,
                             Map<String, Object> extraConfig, Path tokenizerDir) throws IOException {
        ObjectNode config = readConfig(sourceConfig);
        config.put(config.has("dtype") ? "dtype" : "torch_dtype", "float32");
        extraConfig.forEach((k, v) -> config.set(k, JSON.valueToTree(v)));

        Path target = dir.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        deleteRecursively(partial);
        Files.createDirectories(partial);
        new SafetensorsWriter(DType.F32, Map.of("format", "pt")).write(partial.resolve("model.safetensors"), hubTensors);
        JSON.writerWithDefaultPrettyPrinter().writeValue(partial.resolve("config.json").toFile(), config);
        if (tokenizerDir != null) {
            for (String name : TOKENIZER_FILES) {
                Path source = tokenizerDir.resolve(name);
                if (Files.exists(source)) {
                    Files.copy(source, partial.resolve(name));
                }
            }
        }
        deleteRecursively(target);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static ObjectNode readConfig(Path file) throws IOException {
        try {
            if (JSON.readTree(file.toFile()) instanceof ObjectNode node) {
                return node;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        throw new IOException(file + ": config.json must hold a JSON object");
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
