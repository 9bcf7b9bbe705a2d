package org.neurosweep.testutil;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The golden BERT (bert_mlm) with a mask token: its tokenizer names none, so a copy of the folder gets a tokenizer
 * with {@code [MASK]} added as a special token on the last id, {@value #MASK}.
 */
public final class MaskedGolden {
    /** The id the copy's {@code [MASK]} encodes to. */
    public static final int MASK = 1023;
    private static final ObjectMapper JSON = new ObjectMapper();

    private MaskedGolden() {
    }

    /** A copy of the golden bert_mlm folder under {@code dir} whose tokenizer has {@code [MASK]}. */
    public static Path bert(Path dir) throws IOException {
        Path golden = RepoPaths.golden("bert_mlm");
        Path copy = Files.createDirectories(dir.resolve("bert_mlm-with-mask"));
        for (String name : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(golden.resolve(name), copy.resolve(name));
        }
        ObjectNode tokenizer = (ObjectNode) JSON.readTree(golden.resolve("tokenizer.json").toFile());
        ((ArrayNode) tokenizer.get("added_tokens")).addObject().put("id", MASK).put("content", "[MASK]")
                .put("single_word", false).put("lstrip", false).put("rstrip", false).put("normalized", false)
                .put("special", true);
        Files.write(copy.resolve("tokenizer.json"), JSON.writeValueAsBytes(tokenizer));
        return copy;
    }
}
