package org.neurosweep.cli;

import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.neurosweep.report.AnalystSessions;
import org.neurosweep.report.OutputTables;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code neurosweep sql "SELECT ..."}: one query over the tables of an output root, printed or written. */
final class SqlCommand implements Command {

    static final String DEFAULT_OUT = "out/demo";

    @Override
    public String name() {
        return "sql";
    }

    @Override
    public String summary() {
        return "query the tables of an output folder with Spark SQL (and the ns_* functions)";
    }

    @Override
    public String help() {
        return """
                Usage: neurosweep sql "QUERY" [--out DIR] [--run ID] [--format table|csv|json|parquet] [--output PATH]

                Runs one Spark SQL query over the tables of an output folder: every table the query names is a
                view of that name (manifest, errors, each job's tables; all of them for a query naming none, such
                as SHOW TABLES), with the partition column `run`; the ns_* functions of
                docs/udfs.md are there. Prints an aligned table, or CSV (header; arrays and structs as JSON text)
                or JSON Lines (one object per row, nulls kept) to stdout or to --output; parquet needs --output.

                Options:
                  --out DIR         output root of the runs (default out/demo, the demo's)
                  --run ID          only this run's rows in every view (default: all runs)
                  --format F        table (default), csv, json or parquet
                  --output PATH     write the result there instead of stdout (a folder for parquet)
                  --limit N         rows printed by --format table (default 200; the others write every row)
                  --conf KEY=VALUE  a Spark setting (repeatable), e.g.
                                    spark.neurosweep.tokenizer.dense=data/demo/world/dense for ns_decode('dense', ids)

                A query that Spark rejects prints Spark's message and exits with status 2.

                """ + ExitCodes.HELP;
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("out", "run", "format", "output", "limit", "conf");
    }

    @Override
    public int run(Args args, Console console) throws Exception {
        if (args.positional().size() != 1) {
            throw new UsageException("give exactly one query (quoted), e.g. neurosweep sql \"SELECT count(*) FROM manifest\"");
        }
        ResultWriter.Format format = ResultWriter.Format.parse(args.option("format"));
        String output = args.option("output");
        if (format == ResultWriter.Format.PARQUET && output == null) {
            throw new UsageException("--format parquet needs --output DIR");
        }
        int limit = limit(args.option("limit"));
        try (AnalystSessions.Session session = AnalystSessions.open("neurosweep sql", conf(args.all("conf")))) {
            OutputTables tables = OutputTables.open(session.spark(), args.option("out") == null ? DEFAULT_OUT : args.option("out"));
            String run = args.option("run") == null ? null : tables.run(args.option("run"));
            tables.registerViews(args.positional().get(0), run);
            Dataset<Row> result;
            try {
                result = session.spark().sql(args.positional().get(0));
            } catch (Exception e) { // Scala's AnalysisException (parse errors included) is undeclared
                if (!(e instanceof AnalysisException)) {
                    throw e;
                }
                console.err().println("neurosweep sql: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            try {
                write(result, format, output, limit, console.out());
            } catch (Exception e) {
                console.err().println("neurosweep sql: the query failed: " + rootMessage(e));
                return ExitCodes.ERROR;
            }
            return ExitCodes.OK;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static void write(Dataset<Row> result, ResultWriter.Format format, String output, int limit, PrintStream stdout)
            throws Exception {
        if (format == ResultWriter.Format.PARQUET) {
            result.write().parquet(output);
            stdout.println("wrote " + output);
            return;
        }
        if (output == null) {
            ResultWriter.write(result, format, limit, stdout);
            return;
        }
        try (PrintStream file = new PrintStream(Files.newOutputStream(Path.of(output)), false, StandardCharsets.UTF_8)) {
            ResultWriter.write(result, format, limit, file);
        }
        stdout.println("wrote " + output);
    }

    private static int limit(String value) {
        if (value == null) {
            return 200;
        }
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--limit must be a positive number, got '" + value + "'");
    }

    private static Map<String, String> conf(List<String> settings) {
        Map<String, String> conf = new LinkedHashMap<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--conf takes KEY=VALUE, got '" + s + "'");
            }
            conf.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return conf;
    }

    /** The innermost message of a failed Spark job (the function's or reader's own words), without a stack trace. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
