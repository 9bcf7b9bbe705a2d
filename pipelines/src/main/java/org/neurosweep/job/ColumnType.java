package org.neurosweep.job;

import java.util.List;

/**
 * The value types a table column can hold, with the Java values a kernel passes for them. Parquet has no bf16, so
 * vectors are fp32 ({@code float[]}); big tensors go to artifact files referenced by path, never into cells.
 */
public enum ColumnType {
    /** {@link String}; Parquet UTF-8 binary. */
    STRING,
    /** {@link Integer}; Parquet int32. */
    INT,
    /** {@link Long} (an {@link Integer} is widened); Parquet int64. */
    LONG,
    /** {@link Float}; Parquet float. */
    FLOAT,
    /** {@link Double} (a {@link Float} is widened); Parquet double. */
    DOUBLE,
    /** {@link Boolean}; Parquet boolean. */
    BOOLEAN,
    /** Epoch milliseconds as {@link Long}; Parquet int64 TIMESTAMP(MILLIS, UTC), Spark {@code timestamp}. */
    TIMESTAMP,
    /** {@code float[]}; Spark {@code array<float>}. */
    FLOAT_ARRAY,
    /** {@code double[]}; Spark {@code array<double>}. */
    DOUBLE_ARRAY,
    /** {@code int[]}; Spark {@code array<int>}. */
    INT_ARRAY,
    /** {@code String[]} or {@code List<String>}; Spark {@code array<string>}. */
    STRING_ARRAY;

    /** The value a row stores for {@code value}, or null when {@code value} does not fit this type. */
    public Object coerce(Object value) {
        return switch (this) {
            case STRING -> value instanceof String ? value : null;
            case INT -> value instanceof Integer ? value : null;
            case LONG, TIMESTAMP -> value instanceof Long ? value : value instanceof Integer i ? Long.valueOf(i) : null;
            case FLOAT -> value instanceof Float ? value : null;
            case DOUBLE -> value instanceof Double ? value : value instanceof Float f ? Double.valueOf(f) : null;
            case BOOLEAN -> value instanceof Boolean ? value : null;
            case FLOAT_ARRAY -> value instanceof float[] ? value : null;
            case DOUBLE_ARRAY -> value instanceof double[] ? value : null;
            case INT_ARRAY -> value instanceof int[] ? value : null;
            case STRING_ARRAY -> stringArray(value);
        };
    }

    /** The type as Spark SQL prints it, for docs and messages. */
    public String sqlName() {
        return switch (this) {
            case STRING -> "string";
            case INT -> "int";
            case LONG -> "bigint";
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case BOOLEAN -> "boolean";
            case TIMESTAMP -> "timestamp";
            case FLOAT_ARRAY -> "array<float>";
            case DOUBLE_ARRAY -> "array<double>";
            case INT_ARRAY -> "array<int>";
            case STRING_ARRAY -> "array<string>";
        };
    }

    private static Object stringArray(Object value) {
        if (value instanceof String[]) {
            return value;
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.toArray(new String[0]);
        }
        return null;
    }
}
