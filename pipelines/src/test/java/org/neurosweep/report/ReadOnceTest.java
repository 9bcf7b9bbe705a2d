package org.neurosweep.report;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.exec.RunTables;
import org.neurosweep.table.TableLayout;
import org.neurosweep.testjobs.TestSpark;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report's reader: a table under the size guard is read once into memory, a larger one stays a Parquet scan, and a
 * figure's query gives the same rows over either.
 */
class ReadOnceTest {

    /** A figure-style query: means with a null, grouping, a union, ordering, an array function. */
    private static final String FIGURE_QUERY = """
            SELECT model_id, 'acc', layer, avg(acc), max(size(top)) FROM {table} GROUP BY model_id, layer
            UNION ALL SELECT model_id, 'rows', layer, count(*), 0 FROM {table} WHERE acc IS NULL GROUP BY model_id, layer
            ORDER BY 1, 2, 3""";

    @TempDir
    static Path out;
    static RunTables tables;

    @BeforeAll
    static void writeTable() {
        SparkSession spark = TestSpark.session();
        // two writes (two units' files in the run's folder), as the engine writes a table
        spark.sql("""
                SELECT * FROM VALUES ('dense', 0, 0.5D, array(1, 2)), ('dense', 1, NULL, array(3)), ('moe', 0, 0.25D, array())
                  AS t(model_id, layer, acc, top)""").write().parquet(out.resolve("lens/run=r1").toString());
        spark.sql("""
                SELECT * FROM VALUES ('dense', 0, 0.75D, array(4, 5, 6)), ('moe', 0, CAST(NULL AS DOUBLE), CAST(NULL AS ARRAY<INT>))
                  AS t(model_id, layer, acc, top)""").write().mode("append").parquet(out.resolve("lens/run=r1").toString());
        tables = new RunTables(spark, new TableLayout(out.toString(), "r1"), Map.of());
    }

    @Test
    void aTableUnderTheGuardIsReadOnceIntoMemory() {
        ReadOnce reader = new ReadOnce(tables, Long.MAX_VALUE);
        Dataset<Row> lens = reader.table("lens");
        assertSame(lens, reader.table("lens"), "opened once");
        assertTrue(lens.queryExecution().analyzed() instanceof LocalRelation, lens.queryExecution().analyzed().toString());
        assertEquals(5, reader.rows("lens"));
        assertEquals(5, lens.count());
    }

    @Test
    void aTableOverTheGuardStaysAParquetScan() {
        ReadOnce reader = new ReadOnce(tables, 0);
        assertFalse(reader.inMemory("lens"));
        assertTrue(reader.table("lens").queryExecution().analyzed() instanceof LogicalRelation,
                reader.table("lens").queryExecution().analyzed().toString());
        assertEquals(5, reader.rows("lens"));
    }

    @Test
    void theGuardIsTheTablesUncompressedBytes() {
        long bytes = tables.size("lens").uncompressedBytes();
        assertTrue(bytes > 0);
        assertTrue(new ReadOnce(tables, bytes).inMemory("lens"));
        assertFalse(new ReadOnce(tables, bytes - 1).inMemory("lens"));
    }

    @Test
    void aFiguresQueryGivesTheSameRowsInMemoryAndScanned() {
        List<Row> inMemory = ReportQueries.rows(new ReadOnce(tables, Long.MAX_VALUE), "lens", FIGURE_QUERY);
        List<Row> scanned = ReportQueries.rows(new ReadOnce(tables, 0), "lens", FIGURE_QUERY);
        assertEquals(5, inMemory.size(), inMemory.toString()); // 3 (model, layer) means, 2 with a null accuracy
        assertEquals(scanned, inMemory);
        // dense layer 0: mean of 0.5 and 0.75; the largest top list has 3 tokens
        assertEquals(0.625, inMemory.get(0).getDouble(3), 1e-12);
        assertEquals(3, inMemory.get(0).getInt(4));
    }

    @Test
    void aTableNoUnitWroteIsEmptyWithoutAScan() {
        ReadOnce reader = new ReadOnce(tables, Long.MAX_VALUE);
        assertEquals(0, reader.rows("missing"));
        assertTrue(ReportQueries.rows(reader, "missing", "SELECT * FROM {table}").isEmpty());
    }
}
