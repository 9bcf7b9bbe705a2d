package org.neurosweep.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies of the world models with {@code max_position_embeddings} raised from 256 to 2048. TRACE's prompts (up to
 * ~840 tokens with the world tokenizer) are longer than the world models' context, which the runtime refuses; RoPE
 * computes any position, so such a copy runs TRACE's mechanics on the real prompts. What the real context does to
 * them (errors rows) is tested separately.
 */
public final class LongContext {

    private static final String REAL = "\"max_position_embeddings\": 256";
    private static final String LONG = "\"max_position_embeddings\": 2048";

    private LongContext() {
    }

    /** A copy of the model folder {@code model} under {@code dir} whose context is 2048 positions. */
    public static Path copy(Path model, Path dir) throws IOException {
        Path copy = Files.createDirectories(dir.resolve(model.getFileName() + "-long-context"));
        try (var files = Files.list(model)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName().toString()));
            }
        }
        Path config = copy.resolve("config.json");
        String json = Files.readString(config);
        if (!json.contains(REAL)) {
            throw new IllegalStateException("the world model's context is no longer 256 positions: " + config);
        }
        Files.writeString(config, json.replace(REAL, LONG));
        return copy;
    }
}
