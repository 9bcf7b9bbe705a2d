package org.neurosweep.exec;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.neurosweep.job.TableReader;
import org.neurosweep.table.TableLayout;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The committed tables of one run, read on the driver (headlines, summaries). */
public final class RunTables implements TableReader {

    private final SparkSession spark;
    private final TableLayout layout;

    public RunTables(SparkSession spark, TableLayout layout) {
        this.spark = spark;
        this.layout = layout;
    }

    /** The table's rows in this run; an empty frame when no unit wrote to it. */
    @Override
    public Dataset<Row> table(String name) {
        Path dir = layout.tableDir(name);
        try {
            if (!dir.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(dir)) {
                return spark.emptyDataFrame();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return spark.read().parquet(dir.toString());
    }
}
