package org.neurosweep.report;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.neurosweep.exec.RunTables;
import org.neurosweep.exec.TableFiles;
import org.neurosweep.job.TableReader;

import java.util.HashMap;
import java.util.Map;

/**
 * A run's tables as the report reads them: each table is read once, however many figures query it.
 *
 * <p>A table whose rows take at most {@code inMemoryBytes} uncompressed (by its Parquet footers) is collected into
 * driver memory by one scan, and every later query runs over that copy (a local relation: no file is listed, opened
 * or decoded again). A larger table stays a Parquet scan that Spark aggregates query by query, as before, so a big
 * run's report does not exhaust the driver's heap. The figures' queries are the same SQL either way and give the same
 * rows. The row counts come from the footers (no Spark job).
 */
final class ReadOnce implements TableReader {

    /**
     * Tables up to this many uncompressed bytes are read into memory: the demo's largest table takes a few MB, and a
     * row in memory takes a few times its bytes, well inside the launcher's 4 GB heap.
     */
    static final long IN_MEMORY_BYTES = 64L << 20;

    private final RunTables tables;
    private final long inMemoryBytes;
    private final Map<String, Dataset<Row>> opened = new HashMap<>();
    private final Map<String, TableFiles.Size> sizes = new HashMap<>();

    /** @param inMemoryBytes the largest table (uncompressed bytes) read into memory; larger ones stay Parquet scans */
    ReadOnce(RunTables tables, long inMemoryBytes) {
        this.tables = tables;
        this.inMemoryBytes = inMemoryBytes;
    }

    @Override
    public Dataset<Row> table(String name) {
        return opened.computeIfAbsent(name, this::read);
    }

    @Override
    public long rows(String name) {
        return size(name).rows();
    }

    /** Whether table {@code name} is (or will be) held in memory rather than scanned per query. */
    boolean inMemory(String name) {
        return size(name).uncompressedBytes() <= inMemoryBytes;
    }

    private TableFiles.Size size(String name) {
        return sizes.computeIfAbsent(name, tables::size);
    }

    private Dataset<Row> read(String name) {
        Dataset<Row> scan = tables.table(name);
        if (rows(name) == 0 || !inMemory(name)) {
            return scan; // an empty table is already a local relation with the table's columns
        }
        return scan.sparkSession().createDataFrame(scan.collectAsList(), scan.schema());
    }
}
