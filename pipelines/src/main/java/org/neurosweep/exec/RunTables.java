package org.neurosweep.exec;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableRow;
import org.neurosweep.job.TableSchema;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.table.EngineTables;
import org.neurosweep.table.IdentityColumns;
import org.neurosweep.table.TableLayout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The committed tables of one run, read on the driver (headlines, summaries). A table no unit wrote to reads as an
 * empty frame with the table's columns, so queries over it give empty results instead of unresolved columns.
 */
public final class RunTables implements TableReader {

    /**
     * The most rows of a table that {@link #driverRows} reads on the driver: held as maps of boxed cells, about 1.5 KB
     * a row at the widest tables' ~20 cells, so at most ~0.4 GB of the launcher's 4 GB default heap; a larger table is
     * read by Spark.
     */
    public static final long DRIVER_ROWS = 250_000;

    private final Supplier<SparkSession> spark;
    private final Configuration hadoop;
    private final TableLayout layout;
    private final Map<String, TableSchema> schemas;
    private final long driverRowLimit;

    /** @param schemas the tables' declared schemas by name (job tables without identity columns; engine tables) */
    public RunTables(SparkSession spark, TableLayout layout, Map<String, TableSchema> schemas) {
        this(() -> spark, spark.sparkContext().hadoopConfiguration(), layout, schemas, DRIVER_ROWS);
    }

    /**
     * @param spark the session, asked for only when a table is read through Spark ({@link #table})
     * @param hadoop the configuration of the tables' file system
     * @param driverRowLimit the most rows of a table {@link #driverRows} reads on the driver (0: none, all through Spark)
     */
    public RunTables(Supplier<SparkSession> spark, Configuration hadoop, TableLayout layout, Map<String, TableSchema> schemas,
                     long driverRowLimit) {
        this.spark = spark;
        this.hadoop = hadoop;
        this.layout = layout;
        this.schemas = Map.copyOf(schemas);
        this.driverRowLimit = driverRowLimit;
    }

    /** The schemas of every table {@code plan}'s jobs and the engine write, by name. */
    public static Map<String, TableSchema> schemas(SweepPlan plan) {
        return schemas(plan.jobs().stream().map(SweepPlan.PlannedJob::job).toList());
    }

    /** The schemas of every table {@code jobs} and the engine write, by name (identity columns included). */
    public static Map<String, TableSchema> schemas(java.util.Collection<? extends org.neurosweep.job.Job> jobs) {
        Map<String, TableSchema> out = new LinkedHashMap<>();
        jobs.forEach(job -> job.tables().forEach(t -> out.put(t.name(), t.prefixedWith(IdentityColumns.COLUMNS))));
        out.put(EngineTables.MANIFEST.name(), EngineTables.MANIFEST);
        out.put(EngineTables.ERRORS.name(), EngineTables.ERRORS);
        return out;
    }

    /**
     * The table's rows in this run; an empty frame with the table's columns when no unit wrote to it. The schema comes
     * from a data file's footer ({@link TableFiles}), so opening a table runs no Spark job.
     */
    @Override
    public Dataset<Row> table(String name) {
        TableFiles files = files(name);
        SparkSession session = spark.get();
        if (files.isEmpty()) {
            TableSchema schema = schemas.get(name);
            return schema == null ? session.emptyDataFrame() : session.createDataFrame(List.of(), sparkSchema(schema));
        }
        return session.read().schema(files.schema(session.sessionState().conf())).parquet(layout.tableDir(name).toString());
    }

    /** The row count from the data files' footers. */
    @Override
    public long rows(String name) {
        return files(name).rows();
    }

    /**
     * The table's rows read from its files on the driver (no Spark job: the report's figures of a small run take a
     * fraction of the time they take as Spark queries); empty when it has more than the driver row limit.
     */
    @Override
    public Optional<List<TableRow>> driverRows(String name) {
        return files(name).read(driverRowLimit);
    }

    private TableFiles files(String name) {
        return TableFiles.under(layout.tableDir(name), hadoop);
    }

    /** The Spark type of each column, from the type name the column documents ({@link ColumnType#sqlName()}). */
    static StructType sparkSchema(TableSchema schema) {
        List<StructField> fields = schema.columns().stream()
                .map(c -> DataTypes.createStructField(c.name(), DataType.fromDDL(c.type().sqlName()), c.nullable())).toList();
        return DataTypes.createStructType(fields);
    }
}
