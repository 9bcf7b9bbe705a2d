package org.neurosweep.job;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A parameter a job accepts: its kebab-case name (the key under {@code params} in the sweep config), type, default
 * (null = the config must give it), meaning and, for strings and string lists, the allowed values ({@code choices};
 * empty = any string). Values are Java {@code Integer}, {@code Long}, {@code Double}, {@code Boolean},
 * {@code String} or an unmodifiable {@code List} of those. The config is checked against all of it at start-up.
 */
public record ParamSpec(String name, ParamType type, Object defaultValue, List<String> choices, String doc) {

    private static final Pattern KEBAB_CASE = Pattern.compile("[a-z][a-z0-9-]*");

    public ParamSpec {
        if (!KEBAB_CASE.matcher(name).matches()) {
            throw new IllegalArgumentException("parameter name must be kebab-case: '" + name + "'");
        }
        if (type == null || doc == null || doc.isBlank()) {
            throw new IllegalArgumentException("parameter '" + name + "' needs a type and a description");
        }
        choices = List.copyOf(choices);
        if (!choices.isEmpty() && type != ParamType.STRING && type != ParamType.STRING_LIST) {
            throw new IllegalArgumentException("parameter '" + name + "': only strings have choices");
        }
    }

    public static ParamSpec of(String name, ParamType type, Object defaultValue, String doc) {
        return new ParamSpec(name, type, defaultValue, List.of(), doc);
    }

    /** A string (or string list) parameter whose values must be among {@code choices}. */
    public static ParamSpec oneOf(String name, ParamType type, Object defaultValue, List<String> choices, String doc) {
        return new ParamSpec(name, type, defaultValue, choices, doc);
    }

    /** The first value of {@code value} (a string or a list of strings) that is not among the choices; null if none. */
    public String invalidChoice(Object value) {
        if (choices.isEmpty()) {
            return null;
        }
        List<?> values = value instanceof List<?> l ? l : List.of(value);
        return values.stream().map(String::valueOf).filter(v -> !choices.contains(v)).findFirst().orElse(null);
    }

    public boolean required() {
        return defaultValue == null;
    }
}
