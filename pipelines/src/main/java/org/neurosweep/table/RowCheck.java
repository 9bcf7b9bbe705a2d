package org.neurosweep.table;

import org.neurosweep.job.Column;
import org.neurosweep.job.TableSchema;

import java.util.List;

/** Checks row values against a table's columns: count, nulls, types (with the widenings {@link org.neurosweep.job.ColumnType} allows). */
final class RowCheck {

    private RowCheck() {
    }

    /**
     * {@code values} coerced for the columns from {@code offset} on, placed at those positions of a new row of the
     * table's width (positions before {@code offset} are left null for the caller to fill).
     *
     * @throws IllegalArgumentException naming the table and the column
     */
    static Object[] check(TableSchema table, Object[] values, int offset) {
        List<Column> columns = table.columns();
        if (values.length != columns.size() - offset) {
            throw new IllegalArgumentException("table " + table.name() + " has " + (columns.size() - offset)
                    + " columns, got " + values.length + " values");
        }
        Object[] row = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            Column c = columns.get(offset + i);
            if (values[i] == null) {
                if (!c.nullable()) {
                    throw new IllegalArgumentException("table " + table.name() + ": column " + c.name() + " must not be null");
                }
                continue;
            }
            Object v = c.type().coerce(values[i]);
            if (v == null) {
                throw new IllegalArgumentException("table " + table.name() + ": column " + c.name() + " is "
                        + c.type().sqlName() + ", got " + values[i].getClass().getSimpleName());
            }
            row[offset + i] = v;
        }
        return row;
    }
}
