package org.neurosweep.data;

import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parquet rows as plain Java values: a row or struct is a {@code Map} in schema order, a {@code LIST} (3-level, or
 * legacy 2-level of primitives) or a repeated field is a {@code List}, a {@code MAP} is a {@code Map}. Primitives keep
 * their physical type (Boolean, Integer, Long, Float, Double; dates and timestamps stay numbers), except binaries
 * annotated STRING, ENUM or JSON, which become Strings; other binaries are {@code byte[]}. An absent optional value is null.
 */
final class ParquetValues {

    private ParquetValues() {
    }

    static Map<String, Object> record(Group group) {
        GroupType type = group.getType();
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < type.getFieldCount(); i++) {
            Type field = type.getType(i);
            int n = group.getFieldRepetitionCount(i);
            if (field.isRepetition(Type.Repetition.REPEATED)) {
                List<Object> values = new ArrayList<>(n);
                for (int j = 0; j < n; j++) {
                    values.add(value(group, i, j, field));
                }
                out.put(field.getName(), values);
            } else {
                out.put(field.getName(), n == 0 ? null : value(group, i, 0, field));
            }
        }
        return out;
    }

    private static Object value(Group group, int field, int index, Type type) {
        if (type.isPrimitive()) {
            return primitive(group, field, index, type.asPrimitiveType());
        }
        Group child = group.getGroup(field, index);
        LogicalTypeAnnotation annotation = type.getLogicalTypeAnnotation();
        if (annotation instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            return list(child);
        }
        if (annotation instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation) {
            return map(child);
        }
        return record(child);
    }

    /** {@code group (LIST) { repeated group list { optional element; } }}, or {@code { repeated primitive; }}. */
    private static List<Object> list(Group list) {
        Type repeated = list.getType().getType(0);
        int n = list.getFieldRepetitionCount(0);
        List<Object> out = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            if (repeated.isPrimitive()) {
                out.add(primitive(list, 0, j, repeated.asPrimitiveType()));
            } else if (repeated.asGroupType().getFieldCount() == 1) {
                Group entry = list.getGroup(0, j);
                out.add(entry.getFieldRepetitionCount(0) == 0 ? null : value(entry, 0, 0, repeated.asGroupType().getType(0)));
            } else {
                out.add(record(list.getGroup(0, j)));  // legacy: the repeated group is the struct element
            }
        }
        return out;
    }

    /** {@code group (MAP) { repeated group key_value { required key; optional value; } }}. */
    private static Map<Object, Object> map(Group map) {
        int n = map.getFieldRepetitionCount(0);
        Map<Object, Object> out = new LinkedHashMap<>();
        for (int j = 0; j < n; j++) {
            Group entry = map.getGroup(0, j);
            GroupType entryType = entry.getType();
            Object key = value(entry, 0, 0, entryType.getType(0));
            Object value = entryType.getFieldCount() < 2 || entry.getFieldRepetitionCount(1) == 0
                    ? null : value(entry, 1, 0, entryType.getType(1));
            out.put(key, value);
        }
        return out;
    }

    private static Object primitive(Group group, int field, int index, PrimitiveType type) {
        return switch (type.getPrimitiveTypeName()) {
            case BOOLEAN -> group.getBoolean(field, index);
            case INT32 -> group.getInteger(field, index);
            case INT64 -> group.getLong(field, index);
            case FLOAT -> group.getFloat(field, index);
            case DOUBLE -> group.getDouble(field, index);
            case INT96 -> group.getInt96(field, index).getBytes();
            case BINARY, FIXED_LEN_BYTE_ARRAY -> isText(type)
                    ? group.getString(field, index) : group.getBinary(field, index).getBytes();
        };
    }

    private static boolean isText(PrimitiveType type) {
        LogicalTypeAnnotation annotation = type.getLogicalTypeAnnotation();
        return annotation instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                || annotation instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                || annotation instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
    }
}
