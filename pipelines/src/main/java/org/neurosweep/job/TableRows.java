package org.neurosweep.job;

/** Appends rows to one table of the running unit. */
public interface TableRows {

    /**
     * Appends a row. {@code values} follow the table's declared columns in order, typed as {@link ColumnType}
     * documents; the engine fills the identity columns. A wrong count or type is an {@link IllegalArgumentException}
     * naming the table and column.
     *
     * @param exampleId the {@code example_id} column: which input record the row is about; null for unit-level rows
     */
    void add(String exampleId, Object... values);
}
