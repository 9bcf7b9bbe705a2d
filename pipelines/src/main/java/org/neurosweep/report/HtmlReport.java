package org.neurosweep.report;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;
import org.neurosweep.exec.RunTables;
import org.neurosweep.job.Job;
import org.neurosweep.job.JobRegistry;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableRow;
import org.neurosweep.job.TableSchema;
import org.neurosweep.table.EngineTables;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;
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

    private final OutputTables tables;
    private final String run;
    private final JobRegistry jobs;
    private final long driverRowLimit;

    public HtmlReport(OutputTables tables, String run, JobRegistry jobs) {
        this(tables, run, jobs, RunTables.DRIVER_ROWS);
    }

    /**
     * @param driverRowLimit the most rows of a table aggregated on the driver; a larger one is aggregated by Spark
     *                       (the same figures either way)
     */
    public HtmlReport(OutputTables tables, String run, JobRegistry jobs, long driverRowLimit) {
        this.driverRowLimit = driverRowLimit;
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
        try (FSDataOutputStream out = path.getFileSystem(tables.hadoop()).create(path, true)) {
            out.write(html);
        }
        return target;
    }

    /** The report's HTML. */
    public String html() {
        TableReader runTables = tables.forRun(run, driverRowLimit);
        List<Row> units;
        List<Row> badRecords;
        try (OnceEach reader = new OnceEach(runTables)) {
            units = ManifestSummary.units(reader);
            badRecords = ReportQueries.rows(reader, EngineTables.ERRORS.name(), groupBy(col("source"), col("reason")).count());
        }
        List<String> ran = units.stream().map(r -> r.getString(0)).distinct().toList();
        StringBuilder body = new StringBuilder();
        body.append("<h1>NeuroSweep run ").append(esc(run)).append("</h1>")
                .append("<p class='meta'>output root ").append(esc(tables.root())).append(" · report written ")
                .append(esc(Instant.now().toString())).append("</p><nav><a href='#manifest'>manifest</a>");
        ran.forEach(j -> body.append("<a href='#job-").append(esc(j)).append("'>").append(esc(j)).append("</a>"));
        body.append("</nav>");
        new ManifestSummary(units, badRecords).appendTo(body);
        for (String name : ran) {
            try (OnceEach reader = new OnceEach(runTables)) { // a section's tables are held only while it draws
                appendJob(body, name, reader);
            }
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

    /**
     * A run's tables, each opened, counted and read on the driver once however many figures read it. A table too large
     * for the driver is read through Spark, once per figure: its frame is persisted (memory, spilling to disk) for the
     * reader's life, so the Parquet files are scanned once; {@link #close} unpersists it.
     */
    private static final class OnceEach implements TableReader, AutoCloseable {
        private final TableReader tables;
        private final Map<String, Dataset<Row>> opened = new HashMap<>();
        private final Map<String, Long> counted = new HashMap<>();
        private final Map<String, Optional<List<TableRow>>> held = new HashMap<>();

        OnceEach(TableReader tables) {
            this.tables = tables;
        }

        @Override
        public Dataset<Row> table(String name) {
            return opened.computeIfAbsent(name, n -> driverRows(n).isPresent() ? tables.table(n)
                    : tables.table(n).persist(StorageLevel.MEMORY_AND_DISK()));
        }

        @Override
        public long rows(String name) {
            return counted.computeIfAbsent(name, tables::rows);
        }

        @Override
        public Optional<List<TableRow>> driverRows(String name) {
            return held.computeIfAbsent(name, tables::driverRows);
        }

        @Override
        public void close() {
            opened.values().forEach(Dataset::unpersist);
        }
    }

    /**
     * The manifest section: totals, a table and a chart per job, the failed units with their reasons, bad records.
     *
     * @param units one row per unit ({@link #units}), ordered by job and unit
     * @param badRecords the errors table's rows counted per (source, reason)
     */
    private record ManifestSummary(List<Row> units, List<Row> badRecords) {

        // the cells of a unit row
        private static final int JOB = 0, UNIT = 1, COMMITTED = 2, ERROR = 3, DESCRIPTION = 4, ATTEMPTS = 5, ROWS = 6,
                BAD_RECORDS = 7, LOADS = 8, LOAD_MS = 9, ELAPSED_MS = 10, STARTED = 11, ENDED = 12;

        /**
         * Per unit: committed or not, its last attempt's error and description, and its attempts' count and costs (rows
         * and bad records of the committed attempt), its first start and last end (epoch ms).
         */
        static List<Row> units(TableReader reader) {
            Aggregation.Cell committed = r -> "committed".equals(r.get("status")) ? 1.0 : 0.0;
            Aggregation.Cell lastAttempt = col("started_at");
            return ReportQueries.rows(reader, EngineTables.MANIFEST.name(), groupBy(col("job"), col("unit_id"))
                    .max(committed).maxBy(col("error"), lastAttempt).maxBy(col("description"), lastAttempt).count()
                    .sum(r -> "committed".equals(r.get("status")) ? r.get("rows") : 0L)
                    .sum(r -> "committed".equals(r.get("status")) ? r.get("bad_records") : 0L)
                    .sum(r -> r.isTrue("model_loaded") ? 1 : 0).sum("model_load_ms").sum("elapsed_ms")
                    .min("started_at").max(r -> ((Number) r.get("started_at")).longValue()
                            + ((Number) r.get("elapsed_ms")).longValue()));
        }

        void appendTo(StringBuilder body) {
            body.append("<section id='manifest'><h2>Manifest</h2>");
            if (units.isEmpty()) {
                body.append("<p class='empty'>The run has no manifest rows.</p></section>");
                return;
            }
            long committed = units.stream().filter(ManifestSummary::committed).count();
            double firstStart = units.stream().mapToDouble(r -> r.getDouble(STARTED)).min().orElseThrow();
            double lastEnd = units.stream().mapToDouble(r -> r.getDouble(ENDED)).max().orElseThrow();
            body.append(String.format(Locale.ROOT, "<p>%d units, %d committed, %d failed (%d attempts); %,d rows, %,d bad records; "
                            + "%d model loads (%.1f s); %.1f s of unit time, %.1f s from the first unit's start to the last one's end "
                            + "(first start %s).</p>", units.size(), committed, units.size() - committed,
                    sum(units, ATTEMPTS), sum(units, ROWS), sum(units, BAD_RECORDS), sum(units, LOADS),
                    sum(units, LOAD_MS) / 1000.0, sum(units, ELAPSED_MS) / 1000.0, (lastEnd - firstStart) / 1000.0,
                    new Timestamp((long) firstStart)));
            Map<String, List<Row>> byJob = ChartData.groupBy(units, JOB);
            body.append("<table><tr><th>job</th><th>units</th><th>committed</th><th>failed</th><th>rows</th><th>model loads</th>"
                    + "<th>unit time (s)</th><th>median unit (s)</th><th>model loading (s)</th></tr>");
            List<Row> timing = new ArrayList<>();
            byJob.forEach((job, rows) -> {
                long done = rows.stream().filter(ManifestSummary::committed).count();
                double unitTime = sum(rows, ELAPSED_MS) / 1000.0;
                double loading = sum(rows, LOAD_MS) / 1000.0;
                double median = median(rows.stream().mapToDouble(r -> r.getDouble(ELAPSED_MS)).toArray()) / 1000.0;
                body.append(String.format(Locale.ROOT, "<tr><td>%s</td><td class='n'>%d</td><td class='n'>%d</td><td class='n'>%d</td>"
                                + "<td class='n'>%,d</td><td class='n'>%d</td><td class='n'>%s</td><td class='n'>%s</td><td class='n'>%s</td></tr>",
                        esc(job), rows.size(), done, rows.size() - done, sum(rows, ROWS), sum(rows, LOADS),
                        fmt(unitTime), fmt(median), fmt(loading)));
                timing.add(RowFactory.create(job, "unit time", unitTime));
                timing.add(RowFactory.create(job, "model loading", loading));
            });
            body.append("</table><div class='figures'>");
            body.append(SvgCharts.render(ChartData.bars("Time per job", "seconds (summed over units)", timing))).append("</div>");
            appendFailures(body, units.stream().filter(r -> !committed(r)).toList());
            appendBadRecords(body);
            body.append("</section>");
        }

        private static boolean committed(Row unit) {
            return unit.getDouble(COMMITTED) > 0;
        }

        /** The sum of a (numeric, non-null) cell over the rows, as a whole number. */
        private static long sum(List<Row> rows, int cell) {
            return rows.stream().mapToLong(r -> ((Number) r.get(cell)).longValue()).sum();
        }

        /** The median as SQL's {@code percentile(x, 0.5)}: the mean of the two middle values of an even count. */
        static double median(double[] values) {
            double[] v = values.clone();
            Arrays.sort(v);
            int mid = v.length / 2;
            return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
        }

        private void appendFailures(StringBuilder body, List<Row> failed) {
            if (failed.isEmpty()) {
                body.append("<p>No unit failed.</p>");
                return;
            }
            body.append("<h3>Failed units</h3><table><tr><th>job</th><th>unit</th><th>attempts</th><th>last error</th></tr>");
            for (Row r : failed.subList(0, Math.min(failed.size(), LISTED_FAILURES))) {
                body.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s<br><span class='meta'>%s</span></td><td class='n'>%d</td>"
                                + "<td class='error'>%s</td></tr>", esc(r.getString(JOB)), esc(r.getString(UNIT)),
                        esc(r.getString(DESCRIPTION)), r.getLong(ATTEMPTS), esc(r.getString(ERROR))));
            }
            body.append("</table>");
            if (failed.size() > LISTED_FAILURES) {
                body.append("<p class='meta'>… and ").append(failed.size() - LISTED_FAILURES).append(" more: <code>neurosweep sql \"SELECT * FROM manifest")
                        .append(" WHERE status = 'failed'\"</code></p>");
            }
        }

        private void appendBadRecords(StringBuilder body) {
            if (badRecords.isEmpty()) {
                return;
            }
            List<Row> bySize = new ArrayList<>(badRecords);
            bySize.sort(Comparator.comparingLong((Row r) -> r.getLong(2)).reversed());
            body.append("<h3>Bad input records (errors table)</h3><table><tr><th>source</th><th>reason</th><th>records</th></tr>");
            for (Row r : bySize.subList(0, Math.min(bySize.size(), 20))) {
                body.append(String.format(Locale.ROOT, "<tr><td>%s</td><td class='error'>%s</td><td class='n'>%d</td></tr>",
                        esc(r.getString(0)), esc(r.getString(1)), r.getLong(2)));
            }
            body.append("</table>");
        }
    }
}
