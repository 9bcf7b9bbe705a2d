package org.neurosweep.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The vocabulary side of a {@code tokenizer.json}, which DJL does not expose: token string to id (model vocabulary
 * and added tokens), the id-space size, and the end-of-sequence and padding ids.
 */
final class TokenizerVocab {

    /** Names tried, in order, when no {@code tokenizer_config.json} says which token ends a sequence. */
    private static final List<String> EOS_NAMES = List.of("<|endoftext|>", "</s>", "<|end_of_text|>", "<|im_end|>", "<eos>");
    /** Names tried, in order, when no {@code tokenizer_config.json} names the padding token. */
    private static final List<String> PAD_NAMES = List.of("<pad>", "<|pad|>", "[PAD]", "<|padding|>");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Integer> ids;
    private final int size;
    private final OptionalInt eosId;
    private final OptionalInt padId;

    private TokenizerVocab(Map<String, Integer> ids, OptionalInt eosId, OptionalInt padId) {
        this.ids = ids;
        this.size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        this.eosId = eosId;
        this.padId = padId;
    }

    /**
     * Parses {@code tokenizer.json} (already read into {@code json}) and, when present beside it,
     * {@code tokenizer_config.json}, whose {@code eos_token} / {@code pad_token} take precedence over the well-known names.
     */
    static TokenizerVocab parse(Path file, byte[] json) {
        Map<String, Integer> ids = new HashMap<>();
        JsonNode root = readJson(file, json);
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {          // BPE, WordPiece, WordLevel: {token: id}
            vocab.fields().forEachRemaining(e -> ids.put(e.getKey(), e.getValue().asInt()));
        } else if (vocab.isArray()) {    // Unigram: [[token, score], ...], id = position
            for (int i = 0; i < vocab.size(); i++) {
                ids.put(vocab.get(i).path(0).asText(), i);
            }
        } else {
            throw new TokenizerException(file + ": no model.vocab object or array");
        }
        for (JsonNode added : root.path("added_tokens")) {
            ids.put(added.path("content").asText(), added.path("id").asInt());
        }
        Path configFile = file.resolveSibling("tokenizer_config.json");
        JsonNode config = Files.isRegularFile(configFile) ? readJson(configFile, readBytes(configFile)) : null;
        return new TokenizerVocab(ids,
                special(ids, config, configFile, "eos_token", EOS_NAMES),
                special(ids, config, configFile, "pad_token", PAD_NAMES));
    }

    static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + file + ": " + e, e);
        }
    }

    private static JsonNode readJson(Path file, byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new TokenizerException(file + ": invalid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + file + ": " + e, e);
        }
    }

    /** The id named by {@code key} in tokenizer_config.json ({@code "tok"} or {@code {"content": "tok"}}), else the first known name present. */
    private static OptionalInt special(Map<String, Integer> ids, JsonNode config, Path configFile, String key, List<String> knownNames) {
        JsonNode named = config == null ? null : config.get(key);
        if (named != null && !named.isNull()) {
            String token = named.isObject() ? named.path("content").asText() : named.asText();
            Integer id = ids.get(token);
            if (id == null) {
                throw new TokenizerException(configFile + ": " + key + " '" + token + "' is not in the tokenizer's vocabulary");
            }
            return OptionalInt.of(id);
        }
        for (String name : knownNames) {
            Integer id = ids.get(name);
            if (id != null) {
                return OptionalInt.of(id);
            }
        }
        return OptionalInt.empty();
    }

    /** Size of the id space: the largest id plus one (HF's {@code get_vocab_size(with_added_tokens=True)} for contiguous ids). */
    int size() {
        return size;
    }

    OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    OptionalInt eosId() {
        return eosId;
    }

    OptionalInt padId() {
        return padId;
    }
}
