package org.neurosweep.cli;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

/**
 * Writes a query result as text: an aligned table (the first {@code limit} rows), CSV (RFC 4180, header first) or JSON
 * Lines (Spark's JSON, nested values as they are). In the table and CSV, arrays, maps and structs are JSON text, so
 * that a reader (a notebook's {@code json.loads}) gets them back as values.
 */
final class ResultWriter {

    /** The output formats of {@code neurosweep sql}. */
    enum Format {
        TABLE, CSV, JSON, PARQUET;

        static Format parse(String name) {
            if (name == null) {
                return TABLE;
            }
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UsageException("unknown --format '" + name + "' (table, csv, json or parquet)");
            }
        }
    }

    /** Widest cell of the aligned table; longer values are cut with an ellipsis. */
    static final int MAX_CELL = 60;

    private ResultWriter() {
    }

    static void write(Dataset<Row> result, Format format, int limit, PrintStream out) {
        switch (format) {
            case JSON -> result.select(to_json(struct(col("*")), Map.of("ignoreNullFields", "false")))
                    .as(Encoders.STRING()).toLocalIterator().forEachRemaining(out::println);
            case CSV -> csv(flattened(result), out);
            case TABLE -> table(flattened(result), limit, out);
            default -> throw new IllegalArgumentException("not a text format: " + format);
        }
        out.flush();
    }

    /** {@code result} with its arrays, maps and structs turned into JSON text. */
    private static Dataset<Row> flattened(Dataset<Row> result) {
        Column[] columns = Arrays.stream(result.schema().fields()).map(f -> {
            DataType t = f.dataType();
            boolean nested = t instanceof ArrayType || t instanceof MapType || t instanceof StructType;
            return nested ? to_json(col("`" + f.name() + "`")).alias(f.name()) : col("`" + f.name() + "`");
        }).toArray(Column[]::new);
        return result.select(columns);
    }

    private static void csv(Dataset<Row> rows, PrintStream out) {
        StructField[] fields = rows.schema().fields();
        out.println(String.join(",", Arrays.stream(fields).map(f -> csvCell(f.name())).toList()));
        Iterator<Row> it = rows.toLocalIterator();
        while (it.hasNext()) {
            Row r = it.next();
            List<String> cells = new ArrayList<>(fields.length);
            for (int i = 0; i < fields.length; i++) {
                cells.add(r.isNullAt(i) ? "" : csvCell(String.valueOf(r.get(i))));
            }
            out.println(String.join(",", cells));
        }
    }

    private static String csvCell(String s) {
        boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static void table(Dataset<Row> rows, int limit, PrintStream out) {
        StructField[] fields = rows.schema().fields();
        List<Row> shown = rows.limit(limit + 1).collectAsList();
        boolean more = shown.size() > limit;
        List<String[]> cells = new ArrayList<>();
        for (Row r : shown.subList(0, Math.min(limit, shown.size()))) {
            String[] line = new String[fields.length];
            for (int i = 0; i < fields.length; i++) {
                line[i] = cut(r.isNullAt(i) ? "NULL" : String.valueOf(r.get(i)).replace('\n', ' '));
            }
            cells.add(line);
        }
        int[] width = new int[fields.length];
        for (int i = 0; i < fields.length; i++) {
            width[i] = cut(fields[i].name()).length();
            for (String[] line : cells) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        String[] header = Arrays.stream(fields).map(f -> cut(f.name())).toArray(String[]::new);
        out.println(line(header, width, fields, false));
        out.println(String.join("  ", Arrays.stream(width).mapToObj("-"::repeat).toList()));
        cells.forEach(l -> out.println(line(l, width, fields, true)));
        out.println(more ? "(first " + limit + " rows shown; --limit N for more, --format csv|json for all)"
                : "(" + cells.size() + (cells.size() == 1 ? " row)" : " rows)"));
    }

    /** One line of the table: numbers right-aligned, everything else left-aligned. */
    private static String line(String[] cells, int[] width, StructField[] fields, boolean alignNumbers) {
        List<String> padded = new ArrayList<>(cells.length);
        for (int i = 0; i < cells.length; i++) {
            boolean right = alignNumbers && fields[i].dataType() instanceof NumericType;
            String pad = " ".repeat(width[i] - cells[i].length());
            padded.add(right ? pad + cells[i] : cells[i] + (i == cells.length - 1 ? "" : pad));
        }
        return String.join("  ", padded);
    }

    private static String cut(String s) {
        return s.length() <= MAX_CELL ? s : s.substring(0, MAX_CELL - 1) + "…";
    }
}
