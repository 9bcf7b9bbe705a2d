package org.neurosweep.report;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.neurosweep.exec.RunTables;
import org.neurosweep.exec.TableFiles;
import org.neurosweep.job.JobRegistry;
import org.neurosweep.job.TableReader;
import org.neurosweep.table.EngineTables;
import org.neurosweep.table.TableLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static org.apache.spark.sql.functions.col;

/**
 * The tables of one output root ({@code --out}) as analysts read them: the one place where {@code neurosweep sql} and
 * {@code neurosweep report} get rows, so that a change of what a reader may see (the commit protocol's visibility
 * rules) is made here and in {@link RunTables}, which this delegates one run's tables to.
 *
 * <p>A table is a folder {@code <out>/<table>/} holding {@code run=<id>} partitions; folders starting with {@code _} or
 * {@code .} and {@code artifacts} are not tables. Read across runs, a table has the partition column {@code run}
 * (a string: sessions reading these tables switch partition type inference off, see {@link AnalystSessions}).
 */
public final class OutputTables {

    private static final String ARTIFACTS = "artifacts";

    private final Supplier<SparkSession> spark;
    private final Configuration hadoop;
    private final Path root;
    private final FileSystem fs;

    private OutputTables(Supplier<SparkSession> spark, Configuration hadoop, Path root, FileSystem fs) {
        this.spark = spark;
        this.hadoop = hadoop;
        this.root = root;
        this.fs = fs;
    }

    /** The output root {@code out} (a local folder or any Hadoop URI); a clear error when it holds no table. */
    public static OutputTables open(SparkSession spark, String out) {
        return open(() -> spark, spark.sparkContext().hadoopConfiguration(), out);
    }

    /** The output root {@code out} read through {@code session}, which starts Spark only when a table needs it. */
    public static OutputTables open(AnalystSessions.Session session, String out) {
        return open(session::spark, session.hadoop(), out);
    }

    private static OutputTables open(Supplier<SparkSession> spark, Configuration hadoop, String out) {
        Path root = new Path(out);
        try {
            FileSystem fs = root.getFileSystem(hadoop);
            OutputTables tables = new OutputTables(spark, hadoop, fs.makeQualified(root), fs);
            if (!fs.isDirectory(root) || tables.names().isEmpty()) {
                throw new IllegalArgumentException(out + " holds no NeuroSweep tables (no <table>/run=<id> folders): name the "
                        + "output root of a run with --out");
            }
            return tables;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + out, e);
        }
    }

    /** The Hadoop configuration the tables are read with. */
    public Configuration hadoop() {
        return hadoop;
    }

    /** The qualified output root. */
    public String root() {
        return root.toString();
    }

    /** The tables, by name. */
    public List<String> names() {
        return list(root).stream().filter(FileStatus::isDirectory).map(s -> s.getPath().getName())
                .filter(n -> !n.startsWith("_") && !n.startsWith(".") && !n.equals(ARTIFACTS))
                .filter(n -> !partitions(n).isEmpty()).sorted().toList();
    }

    /** The runs of the output root (those with a manifest), the most recently written last. */
    public List<String> runs() {
        return list(new Path(root, EngineTables.MANIFEST.name())).stream()
                .filter(s -> s.isDirectory() && s.getPath().getName().startsWith("run="))
                .sorted(Comparator.comparingLong(FileStatus::getModificationTime))
                .map(s -> s.getPath().getName().substring("run=".length())).toList();
    }

    /** {@code run}, or the most recent run when it is null; a clear error for a run that is not there. */
    public String run(String run) {
        List<String> runs = runs();
        if (runs.isEmpty()) {
            throw new IllegalArgumentException(root + " has no manifest table: not a NeuroSweep output root");
        }
        if (run == null) {
            return runs.get(runs.size() - 1);
        }
        if (!runs.contains(run)) {
            throw new IllegalArgumentException("no run '" + run + "' under " + root + " (runs: " + String.join(", ", runs) + ")");
        }
        return run;
    }

    /**
     * Table {@code name} across runs, with the partition column {@code run}; its columns are those of its newest data
     * file (read from the footer on the driver, {@link TableFiles}: no Spark job).
     */
    public Dataset<Row> table(String name) {
        Path dir = new Path(root, name);
        TableFiles files = TableFiles.under(dir, hadoop);
        SparkSession session = spark.get();
        return (files.isEmpty() ? session.read() : session.read().schema(files.schema(session.sessionState().conf())))
                .parquet(dir.toString());
    }

    /**
     * Registers tables as temporary views of their names, restricted to {@code run} when it is not null (the
     * {@code run} column stays): those whose names occur as words in {@code query}, or every table when none does
     * (SHOW TABLES, say), since opening a table reads its schema (a Spark job each). Returns the view names.
     */
    public List<String> registerViews(String query, String run) {
        List<String> all = names();
        List<String> named = all.stream()
                .filter(n -> Pattern.compile("(?i)(?<!\\w)" + Pattern.quote(n) + "(?!\\w)").matcher(query).find()).toList();
        List<String> names = named.isEmpty() ? all : named;
        for (String name : names) {
            Dataset<Row> rows = table(name);
            (run == null ? rows : rows.where(col("run").equalTo(run))).createOrReplaceTempView(name);
        }
        return names;
    }

    /**
     * The tables of one run, as jobs' headlines and report sections read them: tables of up to {@code driverRowLimit}
     * rows read on the driver ({@link RunTables#driverRows}), larger ones through Spark.
     */
    public TableReader forRun(String run, long driverRowLimit) {
        return new RunTables(spark, hadoop, new TableLayout(root.toString(), run), RunTables.schemas(JobRegistry.load().all()),
                driverRowLimit);
    }

    private List<FileStatus> partitions(String table) {
        return list(new Path(root, table)).stream().filter(s -> s.isDirectory() && s.getPath().getName().startsWith("run=")).toList();
    }

    private List<FileStatus> list(Path dir) {
        try {
            return fs.exists(dir) ? Arrays.asList(fs.listStatus(dir)) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
