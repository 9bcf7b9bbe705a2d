package org.neurosweep.job;

import org.apache.spark.sql.Row;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of a run's table as a driver-side summary (a report figure) reads it: its cells by column name, as plain
 * Java values: String, Integer, Long, Float, Double, Boolean; a timestamp as epoch milliseconds (Long); an array as a
 * {@code List}. A column the row lacks (its file was written before the column existed) reads as null, as Spark reads
 * such a file with the table's newest schema. Rows read from the files on the driver and rows of a Spark frame
 * ({@link #of(Row)}) look the same.
 */
public record TableRow(Map<String, Object> cells) implements Serializable {

    /** The cell of {@code column}; null when it is null or the row has no such column. */
    public Object get(String column) {
        return cells.get(column);
    }

    /** The cell as text; null when null. */
    public String string(String column) {
        Object v = get(column);
        return v == null ? null : v.toString();
    }

    /** The numeric cell as a double; null when null. */
    public Double number(String column) {
        Object v = get(column);
        return v == null ? null : ((Number) v).doubleValue();
    }

    /** Whether the boolean cell is true (false when null). */
    public boolean isTrue(String column) {
        return Boolean.TRUE.equals(get(column));
    }

    /** A row of a Spark frame, its values converted to the plain ones above. */
    public static TableRow of(Row row) {
        String[] names = row.schema().fieldNames();
        Map<String, Object> cells = new LinkedHashMap<>(names.length * 2);
        for (int i = 0; i < names.length; i++) {
            cells.put(names[i], plain(row.get(i)));
        }
        return new TableRow(cells);
    }

    private static Object plain(Object v) {
        if (v instanceof Timestamp t) {
            return t.getTime();
        }
        if (v instanceof Instant t) {
            return t.toEpochMilli();
        }
        if (v instanceof Seq<?> seq) {
            return CollectionConverters.asJava(seq);
        }
        return v;
    }
}
