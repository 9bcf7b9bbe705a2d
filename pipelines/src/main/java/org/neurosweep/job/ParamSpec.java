package org.neurosweep.job;

import java.util.regex.Pattern;

/**
 * A parameter a job accepts: its kebab-case name (the key under {@code params} in the sweep config), type, default
 * (null = the config must give it) and meaning. Values are Java {@code Integer}, {@code Long}, {@code Double},
 * {@code Boolean}, {@code String} or an unmodifiable {@code List} of those.
 */
public record ParamSpec(String name, ParamType type, Object defaultValue, String doc) {

    private static final Pattern KEBAB_CASE = Pattern.compile("[a-z][a-z0-9-]*");

    public ParamSpec {
        if (!KEBAB_CASE.matcher(name).matches()) {
            throw new IllegalArgumentException("parameter name must be kebab-case: '" + name + "'");
        }
        if (type == null || doc == null || doc.isBlank()) {
            throw new IllegalArgumentException("parameter '" + name + "' needs a type and a description");
        }
    }

    public static ParamSpec of(String name, ParamType type, Object defaultValue, String doc) {
        return new ParamSpec(name, type, defaultValue, doc);
    }

    public boolean required() {
        return defaultValue == null;
    }
}
