package org.neurosweep.report;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.job.JobRegistry;
import org.neurosweep.testjobs.TestSpark;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run report over a small output root written here in the tables' layout: a run of three jobs, one of whose units
 * failed (its tables are empty), with a bad record. The demo's report is checked the same way by AnalystToolsIT.
 */
class HtmlReportTest {

    @TempDir
    static Path out;
    static String html;

    @BeforeAll
    static void writeTablesAndReport() throws Exception {
        SparkSession spark = TestSpark.session();
        spark.sql("""
                SELECT * FROM VALUES
                  ('u1', 'perplexity', 'committed', CAST(NULL AS STRING), 'perplexity dense@s1', 12L, 0L, true, 800L, 2000L),
                  ('u2', 'perplexity', 'committed', NULL, 'perplexity dense@s2', 12L, 1L, true, 700L, 1500L),
                  ('u3', 'perplexity', 'committed', NULL, 'perplexity dense@s3', 12L, 0L, true, 700L, 1500L),
                  ('u4', 'perplexity', 'committed', NULL, 'perplexity moe', 12L, 0L, true, 900L, 2500L),
                  ('u5', 'cross-task-patch', 'committed', NULL, 'patch moe', 6L, 0L, false, 0L, 3000L),
                  ('u6', 'logit-lens', 'failed', 'IllegalStateException: boom <b>twice</b>', 'lens moe', 0L, 0L, false, 0L, 10L)
                  AS t(unit_id, job, status, error, description, rows, bad_records, model_loaded, model_load_ms, elapsed_ms)
                """).selectExpr("*", "TIMESTAMP '2026-01-01 10:00:00' AS started_at")
                .write().parquet(out.resolve("manifest/run=r1").toString());
        spark.sql("""
                SELECT * FROM VALUES ('dense', 's1', 250L, 'pre', 40.0D, 10), ('dense', 's2', 500L, 'pre', 30.0D, 10),
                  ('dense', 's3', 1000L, 'pre', 25.0D, 10), ('moe', CAST(NULL AS STRING), CAST(NULL AS BIGINT), 'pre', 20.0D, 10)
                  AS t(model_id, checkpoint, step, dataset, nll, tokens)""").write().parquet(out.resolve("perplexity_lines/run=r1").toString());
        spark.sql("""
                SELECT * FROM VALUES ('moe', 'a-b', 's1', 0, 0.1D, 0.2D), ('moe', 'a-b', 's1', 1, 0.8D, 0.9D),
                  ('moe', 'a-b', 's2', 0, NULL, 0.5D), ('moe', 'a-b', 's2', 1, 0.4D, 0.7D) AS t(model_id, task, subtask, layer, strength, acc_patched)""")
                .write().parquet(out.resolve("p3_patching/run=r1").toString());
        spark.sql("SELECT * FROM VALUES ('pretrain.txt', 3L, 'invalid UTF-8') AS t(source, line, reason)")
                .write().parquet(out.resolve("errors/run=r1").toString());
        OutputTables tables = OutputTables.open(spark, out.toString());
        Path file = Path.of(new org.apache.hadoop.fs.Path(new HtmlReport(tables, "r1", JobRegistry.load())
                .write(HtmlReport.defaultTarget(tables, "r1"))).toUri());
        assertEquals(out.resolve("_reports/r1.html").toRealPath(), file.toRealPath());
        html = Files.readString(file);
    }

    @Test
    void theManifestSummaryCountsUnitsAndListsFailuresWithTheirReasons() {
        assertTrue(html.contains("6 units, 5 committed, 1 failed (6 attempts); 54 rows, 1 bad records; 4 model loads (3.1 s)"), html);
        assertTrue(html.contains("IllegalStateException: boom &lt;b&gt;twice&lt;/b&gt;"), "the failure, escaped");
        assertTrue(html.contains("<td>pretrain.txt</td><td class='error'>invalid UTF-8</td><td class='n'>1</td>"));
        assertTrue(html.contains("<section id='job-logit-lens'>") && html.contains("No figure: the job's tables have no rows"));
    }

    @Test
    void eachJobSectionDrawsItsFiguresFromItsTables() {
        assertEquals(Set.of("Time per job", "pre: perplexity over training", "pre: perplexity per model and checkpoint",
                "moe: patching strength S(l)", "moe: accuracy with the task vector patched at layer l"), chartTitles());
        // the dense series' three steps are a curve; the heat map has 3 of its 4 cells (one strength is null)
        assertTrue(html.contains("data-kind='line' data-marks='3'"), html);
        assertTrue(html.contains("data-kind='heatmap' data-marks='3'"), html);
        assertTrue(html.contains("<title>dense: 500, " + SvgCharts.fmt(Math.exp(3.0)) + "</title>"), "perplexity exp(30/10) at step 500");
    }

    @Test
    void tablesAboveTheDriverRowLimitGiveTheSameReportThroughSpark() {
        OutputTables tables = OutputTables.open(TestSpark.session(), out.toString());
        String throughSpark = new HtmlReport(tables, "r1", JobRegistry.load(), 0).html();
        assertEquals(withoutWriteTime(html), withoutWriteTime(throughSpark));
        assertTrue(TestSpark.session().sparkContext().getPersistentRDDs().isEmpty(),
                "the frames persisted for a section are unpersisted when it is drawn");
    }

    private static String withoutWriteTime(String report) {
        return report.replaceFirst("report written [^<]*", "report written");
    }

    @Test
    void theReportLoadsNothingFromOutside() {
        assertTrue(html.contains("Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""));
        assertFalse(html.replace("xmlns='http://www.w3.org/2000/svg'", "").matches("(?s).*(https?:|<script|src=).*"));
    }

    @Test
    void itRendersInHeadlessChromiumWithEveryChartDrawnAndNoConsoleMessage(@TempDir Path work) throws Exception {
        Path chromium = HeadlessChromium.binary().orElse(null);
        Assumptions.assumeTrue(chromium != null, "skipped: Debian's chromium is not installed (scripts/test installs it as root)");
        HeadlessChromium.Rendering r = HeadlessChromium.render(chromium, out.resolve("_reports/r1.html"), work);
        assertEquals(java.util.List.of(), r.console());
        assertEquals(5, r.charts().size(), r.charts().toString());
        r.charts().forEach(c -> assertTrue(c.declared() > 0 && c.drawn() == c.declared(), c.toString()));
        assertTrue(distinctColours(r.screenshot()) > 20, "the screenshot shows more than a blank page");
    }

    static Set<String> chartTitles() {
        Set<String> titles = new HashSet<>();
        Matcher m = Pattern.compile("<svg class='chart'[^>]*aria-label='([^']*)'").matcher(html);
        while (m.find()) {
            titles.add(m.group(1));
        }
        return titles;
    }

    static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
