package org.neurosweep.table;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.TableSchema;

import java.util.List;
import java.util.Map;

/**
 * Writes rows ({@code Object[]} in column order, values as {@link ColumnType} documents) as Parquet records.
 * Arrays use the standard three-level LIST layout ({@code optional group c (LIST) { repeated group list
 * { required T element; } }}), which Spark reads as {@code array<T>}.
 */
final class RowWriteSupport extends WriteSupport<Object[]> {

    private final TableSchema table;
    private final MessageType type;
    private RecordConsumer out;

    RowWriteSupport(TableSchema table) {
        this.table = table;
        this.type = messageType(table);
    }

    static MessageType messageType(TableSchema table) {
        List<Type> fields = table.columns().stream().map(RowWriteSupport::field).toList();
        return new MessageType(table.name(), fields);
    }

    // the abstract Hadoop-Configuration variant that parquet-hadoop 1.15 still requires
    @Override
    @SuppressWarnings("deprecation")
    public WriteContext init(Configuration configuration) {
        return new WriteContext(type, Map.of("org.neurosweep.table", table.name()));
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(Object[] row) {
        out.startMessage();
        List<Column> columns = table.columns();
        for (int i = 0; i < row.length; i++) {
            if (row[i] != null) {
                String name = columns.get(i).name();
                out.startField(name, i);
                value(columns.get(i).type(), row[i]);
                out.endField(name, i);
            }
        }
        out.endMessage();
    }

    private void value(ColumnType t, Object v) {
        switch (t) {
            case STRING -> out.addBinary(Binary.fromString((String) v));
            case INT -> out.addInteger((Integer) v);
            case LONG, TIMESTAMP -> out.addLong((Long) v);
            case FLOAT -> out.addFloat((Float) v);
            case DOUBLE -> out.addDouble((Double) v);
            case BOOLEAN -> out.addBoolean((Boolean) v);
            case FLOAT_ARRAY -> {
                float[] a = (float[]) v;
                list(a.length, i -> out.addFloat(a[i]));
            }
            case DOUBLE_ARRAY -> {
                double[] a = (double[]) v;
                list(a.length, i -> out.addDouble(a[i]));
            }
            case INT_ARRAY -> {
                int[] a = (int[]) v;
                list(a.length, i -> out.addInteger(a[i]));
            }
            case STRING_ARRAY -> {
                String[] a = (String[]) v;
                list(a.length, i -> out.addBinary(Binary.fromString(a[i])));
            }
        }
    }

    private void list(int n, java.util.function.IntConsumer element) {
        out.startGroup();
        if (n > 0) {
            out.startField("list", 0);
            for (int i = 0; i < n; i++) {
                out.startGroup();
                out.startField("element", 0);
                element.accept(i);
                out.endField("element", 0);
                out.endGroup();
            }
            out.endField("list", 0);
        }
        out.endGroup();
    }

    private static Type field(Column c) {
        Type.Repetition rep = c.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
        return switch (c.type()) {
            case STRING -> Types.primitive(PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.stringType()).named(c.name());
            case INT -> Types.primitive(PrimitiveTypeName.INT32, rep).named(c.name());
            case LONG -> Types.primitive(PrimitiveTypeName.INT64, rep).named(c.name());
            case TIMESTAMP -> Types.primitive(PrimitiveTypeName.INT64, rep)
                    .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS)).named(c.name());
            case FLOAT -> Types.primitive(PrimitiveTypeName.FLOAT, rep).named(c.name());
            case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, rep).named(c.name());
            case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, rep).named(c.name());
            case FLOAT_ARRAY -> list(rep, Types.required(PrimitiveTypeName.FLOAT).named("element"), c.name());
            case DOUBLE_ARRAY -> list(rep, Types.required(PrimitiveTypeName.DOUBLE).named("element"), c.name());
            case INT_ARRAY -> list(rep, Types.required(PrimitiveTypeName.INT32).named("element"), c.name());
            case STRING_ARRAY -> list(rep, Types.required(PrimitiveTypeName.BINARY)
                    .as(LogicalTypeAnnotation.stringType()).named("element"), c.name());
        };
    }

    private static Type list(Type.Repetition rep, Type element, String name) {
        return Types.list(rep).element(element).named(name);
    }
}
