package org.neurosweep.job;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One point of a job's parameter grid: every declared parameter with its value (defaults filled in). Values were
 * type-checked when the config was parsed, so the getters only cast.
 */
public record Params(SortedMap<String, Object> values) implements Serializable {

    public Params {
        values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
    }

    public static Params of(Map<String, Object> values) {
        return new Params(new TreeMap<>(values));
    }

    public static Params none() {
        return new Params(new TreeMap<>());
    }

    public int getInt(String name) {
        return (Integer) get(name);
    }

    public long getLong(String name) {
        return (Long) get(name);
    }

    public double getDouble(String name) {
        return (Double) get(name);
    }

    public boolean getBoolean(String name) {
        return (Boolean) get(name);
    }

    public String getString(String name) {
        return (String) get(name);
    }

    @SuppressWarnings("unchecked")
    public List<Integer> getIntList(String name) {
        return (List<Integer>) get(name);
    }

    @SuppressWarnings("unchecked")
    public List<Double> getDoubleList(String name) {
        return (List<Double>) get(name);
    }

    @SuppressWarnings("unchecked")
    public List<String> getStringList(String name) {
        return (List<String>) get(name);
    }

    private Object get(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' (have " + values.keySet() + ")");
        }
        return v;
    }

    /** "a=1, b=[x, y]" in key order: stable, so it can be hashed into unit ids and printed in plans. */
    public String canonical() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + render(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** Strings quoted and escaped, so that no two different values render alike. */
    private static String render(Object value) {
        if (value instanceof String s) {
            return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Params::render).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }

    @Override
    public String toString() {
        return canonical();
    }
}
