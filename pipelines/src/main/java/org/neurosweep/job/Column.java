package org.neurosweep.job;

import java.io.Serializable;
import java.util.regex.Pattern;

/** One column of an output table: a snake_case name, its type, whether it may be null, and what it means. */
public record Column(String name, ColumnType type, boolean nullable, String doc) implements Serializable {

    private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9_]*");

    public Column {
        if (!SNAKE_CASE.matcher(name).matches()) {
            throw new IllegalArgumentException("column name must be snake_case: '" + name + "'");
        }
        if (type == null || doc == null || doc.isBlank()) {
            throw new IllegalArgumentException("column '" + name + "' needs a type and a description");
        }
    }

    public static Column required(String name, ColumnType type, String doc) {
        return new Column(name, type, false, doc);
    }

    public static Column optional(String name, ColumnType type, String doc) {
        return new Column(name, type, true, doc);
    }
}
