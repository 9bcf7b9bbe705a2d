package org.neurosweep.exec;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.job.TableRow;
import org.neurosweep.table.TableLayout;
import org.neurosweep.testjobs.TestSpark;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run's tables read on the driver: the same cells Spark reads, whatever the timestamps' encoding; the row limit. */
class RunTablesTest {

    @TempDir
    Path out;

    @Test
    void driverRowsHoldPlainValuesAndTimestampsAsEpochMillisInEveryParquetEncoding() {
        SparkSession spark = TestSpark.session();
        String dir = new TableLayout(out.toString(), "r1").tableDir("t").toString();
        long millis = Instant.parse("2026-01-02T03:04:05.678Z").toEpochMilli();
        String previous = spark.conf().get("spark.sql.parquet.outputTimestampType");
        try {
            int i = 0;
            for (String encoding : List.of("INT96", "TIMESTAMP_MICROS", "TIMESTAMP_MILLIS")) {
                spark.conf().set("spark.sql.parquet.outputTimestampType", encoding);
                spark.sql("SELECT " + i++ + " AS id, '" + encoding + "' AS encoding, timestamp_millis(" + millis + ") AS at, "
                        + "array(1.5f, 2.5f) AS v, CAST(NULL AS DOUBLE) AS missing").write().mode("append").parquet(dir);
            }
        } finally {
            spark.conf().set("spark.sql.parquet.outputTimestampType", previous);
        }
        RunTables tables = new RunTables(spark, new TableLayout(out.toString(), "r1"), Map.of());
        List<TableRow> rows = tables.driverRows("t").orElseThrow().stream()
                .sorted(Comparator.comparing(r -> (Integer) r.get("id"))).toList();
        assertEquals(3, rows.size());
        for (TableRow r : rows) {
            assertEquals(millis, r.get("at"), r.string("encoding"));
            assertEquals(List.of(1.5f, 2.5f), r.get("v"));
            assertEquals(null, r.get("missing"));
        }
        // the same cells as Spark's rows of the table, converted
        assertEquals(rows, tables.table("t").orderBy("id").collectAsList().stream().map(TableRow::of).toList());
    }

    @Test
    void aTableAboveTheDriverRowLimitIsLeftToSpark() {
        SparkSession spark = TestSpark.session();
        spark.range(5).toDF("id").write().parquet(new TableLayout(out.toString(), "r1").tableDir("t").toString());
        TableLayout layout = new TableLayout(out.toString(), "r1");
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        assertEquals(5, new RunTables(() -> spark, hadoop, layout, Map.of(), 5).driverRows("t").orElseThrow().size());
        assertTrue(new RunTables(() -> spark, hadoop, layout, Map.of(), 4).driverRows("t").isEmpty());
    }
}
