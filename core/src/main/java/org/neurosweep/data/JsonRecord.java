package org.neurosweep.data;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed access to the keys of one JSON object. Required getters reject a missing key, a JSON {@code null} and a value
 * of the wrong type with an {@link InvalidRecordException} whose message names the key; optional getters return
 * {@code null} for a missing key or JSON {@code null} but still reject a wrong type.
 */
public final class JsonRecord {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final ObjectNode node;

    JsonRecord(ObjectNode node) {
        this.node = node;
    }

    /** Whether the object has {@code key}, whatever its value (JSON null included). */
    public boolean has(String key) {
        return node.has(key);
    }

    /** The value of a required key, of any JSON type except null. */
    public JsonNode node(String key) throws InvalidRecordException {
        JsonNode value = node.get(key);
        if (value == null) {
            throw new InvalidRecordException("missing required key '" + key + "'");
        }
        if (value.isNull()) {
            throw new InvalidRecordException("key '" + key + "' is null");
        }
        return value;
    }

    public String text(String key) throws InvalidRecordException {
        return asText(key, node(key));
    }

    public String optionalText(String key) throws InvalidRecordException {
        JsonNode value = optional(key);
        return value == null ? null : asText(key, value);
    }

    public int integer(String key) throws InvalidRecordException {
        return asInt(key, node(key));
    }

    public Integer optionalInteger(String key) throws InvalidRecordException {
        JsonNode value = optional(key);
        return value == null ? null : asInt(key, value);
    }

    public Boolean optionalBoolean(String key) throws InvalidRecordException {
        JsonNode value = optional(key);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw wrongType(key, "a boolean", value);
        }
        return value.booleanValue();
    }

    /** A required array of strings. */
    public List<String> textList(String key) throws InvalidRecordException {
        List<String> out = new ArrayList<>();
        for (JsonNode item : array(key)) {
            out.add(asText(key + "[" + out.size() + "]", item));
        }
        return List.copyOf(out);
    }

    /** A required array of objects. */
    public List<JsonRecord> recordList(String key) throws InvalidRecordException {
        List<JsonRecord> out = new ArrayList<>();
        for (JsonNode item : array(key)) {
            if (!item.isObject()) {
                throw wrongType(key + "[" + out.size() + "]", "an object", item);
            }
            out.add(new JsonRecord((ObjectNode) item));
        }
        return List.copyOf(out);
    }

    /** All keys as plain Java values: String, Integer/Long/BigInteger, Double, Boolean, List, Map, or null. */
    public Map<String, Object> toMap() {
        return JSON.convertValue(node, MAP);
    }

    private JsonNode optional(String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value;
    }

    private JsonNode array(String key) throws InvalidRecordException {
        JsonNode value = node(key);
        if (!value.isArray()) {
            throw wrongType(key, "an array", value);
        }
        return value;
    }

    private static String asText(String key, JsonNode value) throws InvalidRecordException {
        if (!value.isTextual()) {
            throw wrongType(key, "a string", value);
        }
        return value.textValue();
    }

    private static int asInt(String key, JsonNode value) throws InvalidRecordException {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw wrongType(key, "an integer", value);
        }
        return value.intValue();
    }

    static InvalidRecordException wrongType(String key, String expected, JsonNode found) {
        return new InvalidRecordException("key '" + key + "' must be " + expected + ", found "
                + found.getNodeType().name().toLowerCase(Locale.ROOT) + " " + abbreviate(found.toString()));
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
