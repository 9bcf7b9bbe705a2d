package org.neurosweep.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed access to the keys of one HF {@code config.json}; every error names the file and the key. A key the file
 * leaves out takes the value of {@code defaults}, the family's HF config-class defaults ({@link FamilyDefaults}), when
 * that names one; a key set to null stays unset, as HF keeps None.
 */
final class ConfigJson {
    private static final ObjectMapper DEFAULTS_JSON = new ObjectMapper();
    private final JsonNode root;
    private final Map<String, Object> defaults;
    private final String file;
    private final String prefix;

    ConfigJson(JsonNode root, String file) {
        this(root, Map.of(), file, "");
    }

    private ConfigJson(JsonNode root, Map<String, Object> defaults, String file, String prefix) {
        this.root = root;
        this.defaults = defaults;
        this.file = file;
        this.prefix = prefix;
    }

    /** This file's keys, absent ones falling back to {@code familyDefaults} (key → Boolean, Number, String, List). */
    ConfigJson withDefaults(Map<String, Object> familyDefaults) {
        return new ConfigJson(root, familyDefaults, file, prefix);
    }

    /**
     * The node under {@code key}; for a key the file leaves out, the family default; null when the file sets the key
     * to JSON null (HF's None: e.g. Mistral's {@code "sliding_window": null} turns the window off, it does not ask for
     * the default) or neither names it.
     */
    JsonNode node(String key) {
        JsonNode n = root.get(key);
        if (n != null) {
            return n.isNull() ? null : n;
        }
        Object fallback = defaults.get(key);
        return fallback == null ? null : DEFAULTS_JSON.valueToTree(fallback);
    }


    boolean has(String key) {
        return node(key) != null;
    }

    /** The first of {@code keys} that is set (HF aliases such as hidden_size / n_embed), else the first. */
    String firstSet(String... keys) {
        for (String k : keys) {
            if (has(k)) {
                return k;
            }
        }
        return keys[0];
    }

    ConfigJson object(String key) {
        JsonNode n = node(key);
        if (n == null) {
            return null;
        }
        if (!n.isObject()) {
            throw error(key, "must be an object, found " + n);
        }
        return new ConfigJson(n, Map.of(), file, prefix + key + ".");
    }

    String requireString(String key) {
        JsonNode n = require(key);
        if (!n.isTextual()) {
            throw error(key, "must be a string, found " + n);
        }
        return n.asText();
    }

    String string(String key, String fallback) {
        JsonNode n = node(key);
        return n == null ? fallback : requireString(key);
    }

    int requireInt(String key) {
        JsonNode n = require(key);
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw error(key, "must be an integer, found " + n);
        }
        return n.intValue();
    }

    int integer(String key, int fallback) {
        return has(key) ? requireInt(key) : fallback;
    }

    double requireDouble(String key) {
        JsonNode n = require(key);
        if (!n.isNumber()) {
            throw error(key, "must be a number, found " + n);
        }
        return n.doubleValue();
    }

    double number(String key, double fallback) {
        return has(key) ? requireDouble(key) : fallback;
    }

    boolean bool(String key, boolean fallback) {
        JsonNode n = node(key);
        if (n == null) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw error(key, "must be true or false, found " + n);
        }
        return n.booleanValue();
    }

    /** An integer list; a single integer is read as a list of one (as HF allows for {@code eos_token_id}). */
    List<Integer> intList(String key) {
        JsonNode n = node(key);
        List<Integer> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (n.isIntegralNumber()) {
            out.add(n.intValue());
            return out;
        }
        if (!n.isArray()) {
            throw error(key, "must be an integer or a list of integers, found " + n);
        }
        for (JsonNode e : n) {
            if (!e.isIntegralNumber()) {
                throw error(key, "must hold integers only, found " + e);
            }
            out.add(e.intValue());
        }
        return out;
    }

    List<String> stringList(String key) {
        JsonNode n = node(key);
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            throw error(key, "must be a list of strings, found " + n);
        }
        for (JsonNode e : n) {
            out.add(e.asText());
        }
        return out;
    }

    private JsonNode require(String key) {
        JsonNode n = node(key);
        if (n == null) {
            throw error(key, "is required but missing");
        }
        return n;
    }

    /** An error about {@code key} of this object, named with its full dotted path. */
    ModelConfigException error(String key, String problem) {
        return ModelConfigException.at(file, prefix + key, problem);
    }
}
