package org.neurosweep.job;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An output table: its name (the folder under the output root) and the columns a job writes. The engine puts its
 * identity columns ({@code run_id}, {@code unit_id}, {@code model_id}, ...) in front of these; a job declares only
 * its own.
 */
public record TableSchema(String name, String doc, List<Column> columns) implements Serializable {

    private static final Pattern TABLE_NAME = Pattern.compile("[a-z][a-z0-9_]*");

    public TableSchema {
        if (!TABLE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("table name must be snake_case: '" + name + "'");
        }
        columns = List.copyOf(columns);
        Set<String> seen = new HashSet<>();
        for (Column c : columns) {
            if (!seen.add(c.name())) {
                throw new IllegalArgumentException("table " + name + " declares column '" + c.name() + "' twice");
            }
        }
    }

    public static TableSchema of(String name, String doc, Column... columns) {
        return new TableSchema(name, doc, List.of(columns));
    }

    /** Column positions by name. */
    public Map<String, Integer> positions() {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            out.put(columns.get(i).name(), i);
        }
        return out;
    }

    /** This table with {@code prefix} in front of its columns (the engine's identity columns). */
    public TableSchema prefixedWith(List<Column> prefix) {
        List<Column> all = new ArrayList<>(prefix);
        all.addAll(columns);
        return new TableSchema(name, doc, all);
    }
}
