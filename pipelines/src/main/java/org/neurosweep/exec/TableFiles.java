package org.neurosweep.exec;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import org.neurosweep.data.ParquetRecords;
import org.neurosweep.job.TableRow;
import org.neurosweep.table.TableFileSystems;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Parquet data files under a table folder or one of its {@code run=} partitions, as Spark's file index sees them
 * (names starting with {@code _} or {@code .} are skipped, folders are descended), and what their footers say, read on
 * the driver without a Spark job: the row count (the sum over the footers) and the schema.
 *
 * <p>Spark infers a Parquet schema with a Spark job even for one file; a command that opens a few dozen small tables
 * (the report) spends most of its time in such jobs. Reading one footer here and passing its schema to
 * {@code spark.read().schema(...)} gives the same frame: without schema merging (Spark's default) Spark, too, takes the
 * schema of one file, and every file of a table is written from the table's one declared schema.
 */
public final class TableFiles {

    /** The Julian day number of 1970-01-01 (int96 timestamps count days from the Julian epoch). */
    private static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;

    private final Configuration conf;
    private final List<FileStatus> files;
    /**
     * The footer readers' options, built once from {@code conf}: without them Parquet builds a fresh Hadoop
     * {@code Configuration} for every file it opens and parses Hadoop's default XML resources again: a fifth of the
     * report's sampled Java time over the demo's 317 files (JFR); {@code sql} opens its tables through here too.
     */
    private final ParquetReadOptions options;

    private TableFiles(Configuration conf, List<FileStatus> files) {
        this.conf = conf;
        this.files = files;
        this.options = HadoopReadOptions.builder(conf).build();
    }

    /** The data files under {@code dir} (none when it does not exist), newest first. */
    public static TableFiles under(Path dir, Configuration conf) {
        try {
            FileSystem fs = TableFileSystems.get(dir, conf);
            List<FileStatus> files = new ArrayList<>();
            if (fs.exists(dir)) {
                collect(fs, dir, files);
            }
            files.sort((a, b) -> Long.compare(b.getModificationTime(), a.getModificationTime()));
            return new TableFiles(conf, files);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static void collect(FileSystem fs, Path dir, List<FileStatus> out) throws IOException {
        for (FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            if (name.startsWith("_") || name.startsWith(".")) {
                continue;
            }
            if (s.isDirectory()) {
                collect(fs, s.getPath(), out);
            } else if (s.getLen() > 0) {
                out.add(s);
            }
        }
    }

    public boolean isEmpty() {
        return files.isEmpty();
    }

    /** The number of rows in the files: the sum of their footers' counts. */
    public long rows() {
        long n = 0;
        for (FileStatus f : files) {
            try (ParquetFileReader reader = open(f)) {
                n += reader.getRecordCount();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the Parquet footer of " + f.getPath(), e);
            }
        }
        return n;
    }

    /**
     * Every row of the files, read on the driver in one pass (each file opened once), or empty as soon as the footers
     * count more than {@code limit} rows (see {@link RunTables#driverRows}). Timestamps become epoch milliseconds
     * whatever their Parquet encoding (this project writes int64 milliseconds; Spark writes int96 by default).
     */
    public Optional<List<TableRow>> read(long limit) {
        List<TableRow> rows = new ArrayList<>();
        for (FileStatus f : files) {
            try (ParquetFileReader reader = open(f)) {
                if (rows.size() + reader.getRecordCount() > limit) {
                    return Optional.empty();
                }
                List<PrimitiveType> timestamps = reader.getFooter().getFileMetaData().getSchema().getFields().stream()
                        .filter(TableFiles::isTimestamp).map(Type::asPrimitiveType).toList();
                for (Map<String, Object> cells : ParquetRecords.rows(reader)) {
                    timestamps.forEach(t -> cells.computeIfPresent(t.getName(), (k, v) -> millis(t, v)));
                    rows.add(new TableRow(cells));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the Parquet file " + f.getPath(), e);
            }
        }
        return Optional.of(rows);
    }

    /** Whether a top-level field holds timestamps: int96, or int64 annotated as a timestamp. */
    private static boolean isTimestamp(Type field) {
        return field.isPrimitive() && (field.asPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT96
                || field.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation);
    }

    /** A cell of a timestamp field ({@link #isTimestamp}) as epoch milliseconds. */
    private static Object millis(PrimitiveType type, Object value) {
        if (value instanceof byte[] b) {
            // int96: 8 bytes of nanoseconds in the day, then 4 bytes of Julian day, both little-endian
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            long nanos = buf.getLong();
            long julianDay = Integer.toUnsignedLong(buf.getInt());
            return (julianDay - JULIAN_DAY_OF_EPOCH) * 86_400_000L + Math.floorDiv(nanos, 1_000_000L);
        }
        long v = (Long) value;
        return switch (((LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) type.getLogicalTypeAnnotation()).getUnit()) {
            case MILLIS -> v;
            case MICROS -> Math.floorDiv(v, 1_000L);
            case NANOS -> Math.floorDiv(v, 1_000_000L);
        };
    }

    /**
     * The Spark schema of the newest file, converted as Spark's own inference converts it ({@code sql} reads every run of
     * a table with it: a run written by an older build then shows the current columns, missing ones as null).
     * Partition columns ({@code run}) are not in it: Spark adds them from the paths.
     *
     * @throws IllegalStateException when there is no file
     */
    public StructType schema(SQLConf sqlConf) {
        if (files.isEmpty()) {
            throw new IllegalStateException("no data file to read a schema from");
        }
        try (ParquetFileReader reader = open(files.get(0))) {
            MessageType type = reader.getFooter().getFileMetaData().getSchema();
            return new ParquetToSparkSchemaConverter(sqlConf).convert(type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Parquet footer of " + files.get(0).getPath(), e);
        }
    }

    private ParquetFileReader open(FileStatus f) throws IOException {
        return ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf), options);
    }
}
