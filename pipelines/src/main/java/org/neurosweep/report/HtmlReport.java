package org.neurosweep.report;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.neurosweep.job.Job;
import org.neurosweep.job.JobRegistry;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.expr;
import static org.neurosweep.report.SvgCharts.esc;
import static org.neurosweep.report.SvgCharts.fmt;

/**
 * The run report: one self-contained HTML file (inline CSS and SVG; a Content-Security-Policy forbids every external
 * load, so it opens offline) with the run's manifest summary — units, failures with their reasons, model loads,
 * timings — and a section per job that ran, whose figures the job draws through {@link SupportsReport}.
 */
public final class HtmlReport {

    /** Failed units listed with their reasons; the manifest has the rest. */
    static final int LISTED_FAILURES = 50;

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1380px;color:#222;padding:0 16px}
            h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
            table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
            td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}.meta{color:#555;font-size:13px}
            .figures{display:flex;flex-wrap:wrap;gap:12px}.figures svg{border:1px solid #eee;background:#fff}
            .empty{color:#8a5a00}.error{font-family:monospace;font-size:12px;white-space:pre-wrap;max-width:760px}nav a{margin-right:12px}
            """;

    private final SparkSession spark;
    private final OutputTables tables;
    private final String run;
    private final JobRegistry jobs;

    public HtmlReport(SparkSession spark, OutputTables tables, String run, JobRegistry jobs) {
        this.spark = spark;
        this.tables = tables;
        this.run = run;
        this.jobs = jobs;
    }

    /** Where the report of {@code run} goes by default: {@code <out>/_reports/<run>.html} (not a table: '_' folder). */
    public static String defaultTarget(OutputTables tables, String run) {
        return tables.root() + "/_reports/" + run + ".html";
    }

    /** Writes the report to {@code target} (any Hadoop file system), replacing it; returns the target. */
    public String write(String target) throws IOException {
        byte[] html = html().getBytes(StandardCharsets.UTF_8);
        Path path = new Path(target);
        try (FSDataOutputStream out = path.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(path, true)) {
            out.write(html);
        }
        return target;
    }

    /** The report's HTML. */
    public String html() {
        TableReader reader = new OnceEach(tables.forRun(run));
        Dataset<Row> manifest = reader.table("manifest");
        List<String> ran = reader.rows("manifest") == 0 ? List.of()
                : manifest.select("job").distinct().orderBy("job").collectAsList().stream().map(r -> r.getString(0)).toList();
        StringBuilder body = new StringBuilder();
        body.append("<h1>NeuroSweep run ").append(esc(run)).append("</h1>")
                .append("<p class='meta'>output root ").append(esc(tables.root())).append(" · report written ")
                .append(esc(Instant.now().toString())).append("</p><nav><a href='#manifest'>manifest</a>");
        ran.forEach(j -> body.append("<a href='#job-").append(esc(j)).append("'>").append(esc(j)).append("</a>"));
        body.append("</nav>");
        new ManifestSummary(manifest, ran.isEmpty(), reader.table("errors"), reader.rows("errors")).appendTo(body);
        for (String name : ran) {
            appendJob(body, name, reader);
        }
        return "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
                + "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
                + "<title>NeuroSweep run " + esc(run) + "</title><style>" + STYLE + "</style></head><body>" + body + "</body></html>\n";
    }

    private void appendJob(StringBuilder body, String name, TableReader reader) {
        Job job = jobs.find(name);
        body.append("<section id='job-").append(esc(name)).append("'><h2>").append(esc(name)).append("</h2>");
        if (job == null) {
            body.append("<p class='empty'>This build does not know the job (it ran with another NeuroSweep build).</p></section>");
            return;
        }
        body.append("<p>").append(esc(job.description())).append("</p><p class='meta'>tables: ");
        List<String> counts = new ArrayList<>();
        for (TableSchema t : job.tables()) {
            counts.add(esc(t.name()) + " (" + String.format(Locale.ROOT, "%,d", reader.rows(t.name())) + " rows)");
        }
        body.append(String.join(", ", counts)).append("</p>");
        if (!(job instanceof SupportsReport section)) {
            body.append("<p class='empty'>This job draws no figures yet; query its tables with <code>neurosweep sql</code>.</p></section>");
            return;
        }
        List<Chart> charts = section.figures(reader).stream().filter(Chart::hasData).toList();
        if (charts.isEmpty()) {
            body.append("<p class='empty'>No figure: the job's tables have no rows to draw in this run (see the failures above).</p>");
        } else {
            body.append("<div class='figures'>");
            charts.forEach(c -> body.append(SvgCharts.render(c)));
            body.append("</div>");
        }
        body.append("</section>");
    }

    /** A run's tables, each opened and counted once however many sections read it (both read files on the driver). */
    private static final class OnceEach implements TableReader {
        private final TableReader tables;
        private final Map<String, Dataset<Row>> opened = new HashMap<>();
        private final Map<String, Long> counted = new HashMap<>();

        OnceEach(TableReader tables) {
            this.tables = tables;
        }

        @Override
        public Dataset<Row> table(String name) {
            return opened.computeIfAbsent(name, tables::table);
        }

        @Override
        public long rows(String name) {
            return counted.computeIfAbsent(name, tables::rows);
        }
    }

    /** The manifest section: totals, a table and a chart per job, the failed units with their reasons, bad records. */
    private record ManifestSummary(Dataset<Row> manifest, boolean noUnits, Dataset<Row> errors, long badRecords) {

        void appendTo(StringBuilder body) {
            body.append("<section id='manifest'><h2>Manifest</h2>");
            if (noUnits) {
                body.append("<p class='empty'>The run has no manifest rows.</p></section>");
                return;
            }
            // per unit: committed or not, its last attempt's error, and its attempts' costs
            Dataset<Row> units = manifest.groupBy("job", "unit_id").agg(
                    expr("max(status = 'committed') AS committed"),
                    expr("max_by(error, started_at) AS error"), expr("max_by(description, started_at) AS description"),
                    expr("count(*) AS attempts"), expr("sum(CASE WHEN status = 'committed' THEN rows ELSE 0 END) AS rows"),
                    expr("sum(CASE WHEN status = 'committed' THEN bad_records ELSE 0 END) AS bad_records"),
                    expr("sum(CAST(model_loaded AS INT)) AS loads"), expr("sum(model_load_ms) AS load_ms"),
                    expr("sum(elapsed_ms) AS elapsed_ms"), expr("min(started_at) AS started"),
                    expr("max(unix_millis(started_at) + elapsed_ms) AS ended_ms"));
            Row total = units.agg(expr("count(*)"), expr("sum(CAST(committed AS INT))"), expr("sum(attempts)"), expr("sum(rows)"),
                    expr("sum(bad_records)"), expr("sum(loads)"), expr("sum(load_ms)"), expr("sum(elapsed_ms)"),
                    expr("(max(ended_ms) - unix_millis(min(started))) / 1000.0"), expr("min(started)")).first();
            body.append(String.format(Locale.ROOT, "<p>%d units, %d committed, %d failed (%d attempts); %,d rows, %,d bad records; "
                            + "%d model loads (%.1f s); %.1f s of unit time, %.1f s from the first unit's start to the last one's end "
                            + "(first start %s).</p>", total.getLong(0), total.getLong(1), total.getLong(0) - total.getLong(1),
                    total.getLong(2), total.getLong(3), total.getLong(4), total.getLong(5), total.getLong(6) / 1000.0,
                    total.getLong(7) / 1000.0, total.isNullAt(8) ? 0.0 : ((Number) total.get(8)).doubleValue(), total.get(9)));
            List<Row> perJob = units.groupBy("job").agg(expr("count(*)"), expr("sum(CAST(committed AS INT))"), expr("sum(rows)"),
                    expr("sum(loads)"), expr("sum(elapsed_ms) / 1000.0"), expr("percentile(elapsed_ms, 0.5) / 1000.0"),
                    expr("sum(load_ms) / 1000.0")).orderBy("job").collectAsList();
            body.append("<table><tr><th>job</th><th>units</th><th>committed</th><th>failed</th><th>rows</th><th>model loads</th>"
                    + "<th>unit time (s)</th><th>median unit (s)</th><th>model loading (s)</th></tr>");
            for (Row r : perJob) {
                body.append(String.format(Locale.ROOT, "<tr><td>%s</td><td class='n'>%d</td><td class='n'>%d</td><td class='n'>%d</td>"
                                + "<td class='n'>%,d</td><td class='n'>%d</td><td class='n'>%s</td><td class='n'>%s</td><td class='n'>%s</td></tr>",
                        esc(r.getString(0)), r.getLong(1), r.getLong(2), r.getLong(1) - r.getLong(2), r.getLong(3), r.getLong(4),
                        fmt(ChartData.number(r, 5)), fmt(ChartData.number(r, 6)), fmt(ChartData.number(r, 7))));
            }
            body.append("</table><div class='figures'>");
            List<Row> timing = new ArrayList<>();
            for (Row r : perJob) {
                timing.add(RowFactory.create(r.getString(0), "unit time", ChartData.number(r, 5)));
                timing.add(RowFactory.create(r.getString(0), "model loading", ChartData.number(r, 7)));
            }
            body.append(SvgCharts.render(ChartData.bars("Time per job", "seconds (summed over units)", timing))).append("</div>");
            appendFailures(body, units, total.getLong(0) - total.getLong(1));
            appendBadRecords(body);
            body.append("</section>");
        }

        private void appendFailures(StringBuilder body, Dataset<Row> units, long n) {
            Dataset<Row> failed = units.where("NOT committed").orderBy("job", "unit_id");
            if (n == 0) {
                body.append("<p>No unit failed.</p>");
                return;
            }
            body.append("<h3>Failed units</h3><table><tr><th>job</th><th>unit</th><th>attempts</th><th>last error</th></tr>");
            for (Row r : failed.select("job", "unit_id", "description", "attempts", "error").limit(LISTED_FAILURES).collectAsList()) {
                body.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s<br><span class='meta'>%s</span></td><td class='n'>%d</td>"
                                + "<td class='error'>%s</td></tr>", esc(r.getString(0)), esc(r.getString(1)), esc(r.getString(2)),
                        r.getLong(3), esc(r.getString(4))));
            }
            body.append("</table>");
            if (n > LISTED_FAILURES) {
                body.append("<p class='meta'>… and ").append(n - LISTED_FAILURES).append(" more: <code>neurosweep sql \"SELECT * FROM manifest")
                        .append(" WHERE status = 'failed'\"</code></p>");
            }
        }

        private void appendBadRecords(StringBuilder body) {
            if (badRecords == 0) {
                return;
            }
            body.append("<h3>Bad input records (errors table)</h3><table><tr><th>source</th><th>reason</th><th>records</th></tr>");
            for (Row r : errors.groupBy("source", "reason").count().orderBy(expr("count DESC")).limit(20).collectAsList()) {
                body.append(String.format(Locale.ROOT, "<tr><td>%s</td><td class='error'>%s</td><td class='n'>%d</td></tr>",
                        esc(r.getString(0)), esc(r.getString(1)), r.getLong(2)));
            }
            body.append("</table>");
        }
    }
}
