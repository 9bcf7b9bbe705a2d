package org.neurosweep.report;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neurosweep.packaging.DemoRun;
import org.neurosweep.testutil.RepoPaths;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The analyst's tools on the demo's run, through the launcher: the report the demo ends with (every job's section has
 * figures; rendered in headless Chromium with the network off, every chart drawn, no console message), a query with
 * {@code neurosweep sql}, and every notebook executed by nbconvert. Checks whose Debian packages are missing are
 * skipped with the reason (scripts/test installs them as root).
 */
class DemoAnalysisIT {

    private static DemoRun demo;
    private static Path report;

    @BeforeAll
    static void runTheDemo() throws Exception {
        demo = DemoRun.get();
        assertEquals(0, demo.exit(), demo.output());
        Matcher m = Pattern.compile("(?m)^report: (\\S+)$").matcher(demo.output());
        assertTrue(m.find(), "the demo ends by printing its report's path:\n" + demo.output());
        report = Path.of(new org.apache.hadoop.fs.Path(m.group(1)).toUri());
    }

    private static void skipWithout(String what, boolean present) {
        if (!present) {
            System.err.println("DemoAnalysisIT: SKIPPED, " + what + " is not installed (scripts/test installs it as root)");
        }
        Assumptions.assumeTrue(present, what + " is not installed");
    }

    @Test
    void theDemosReportHasFiguresForEveryJobAndRendersOffline() throws Exception {
        String html = Files.readString(report);
        for (String job : List.of("perplexity", "composite-eval", "context-mask", "logit-lens", "cross-task-patch",
                "trace-decode", "checkpoint-eval", "mlama-probe", "lrp2", "sparse-components", "sparse-components-compare",
                "lota-qaf", "lota-eval", "quantize", "swing-distill", "pad-distill", "moe-attribution", "expert-blocking",
                "neuron-attribution", "privacy-neurons", "exposure", "fewfedweight")) {
            int start = html.indexOf("<section id='job-" + job + "'>");
            assertTrue(start >= 0, "no section for " + job);
            assertTrue(html.substring(start, html.indexOf("</section>", start)).contains("<svg class='chart'"), "no figure for " + job);
        }
        Path chromium = HeadlessChromium.binary().orElse(null);
        skipWithout("chromium", chromium != null);
        Path work = Files.createDirectories(RepoPaths.root().resolve("pipelines/target/demo-report"));
        HeadlessChromium.Rendering r = HeadlessChromium.render(chromium, report, work);
        assertEquals(List.of(), r.console());
        assertTrue(r.charts().size() >= 10, r.charts().toString());
        r.charts().forEach(c -> assertTrue(c.declared() > 0 && c.drawn() == c.declared(), c.toString()));
        assertTrue(HtmlReportTest.distinctColours(r.screenshot()) > 50, "the screenshot (" + work + ") shows the charts");
    }

    @Test
    void sqlAnswersAQueryWithTheFunctionsThroughTheLauncher() throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder("bash", DemoRun.launcher().toString(), "sql",
                "SELECT language, ns_hit_at_k(gold_rank, 1) AS p1, avg(CAST(correct AS INT)) AS acc FROM mlama_item_scores "
                        + "GROUP BY language ORDER BY language", "--out", demo.out().toString(), "--format", "csv")
                .redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        System.err.printf("DemoAnalysisIT: neurosweep sql answered in %.1f s (wall, JVM and Spark start included)%n",
                (System.nanoTime() - start) / 1e9);
        assertEquals(0, p.exitValue(), err);
        List<String> lines = out.lines().toList();
        assertEquals("language,p1,acc", lines.get(0));
        assertTrue(lines.size() > 2, out);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            assertEquals(Double.parseDouble(cells[1]), Double.parseDouble(cells[2]), 1e-12, "P@1 is the probe's accuracy: " + line);
        }
    }

    /** Each example query of docs/udfs.md, run from the repository root as the page says, answers with rows. */
    @Test
    void theExamplesOfTheFunctionsPageRunOnTheDemosTables() throws Exception {
        String page = Files.readString(RepoPaths.root().resolve("docs/udfs.md"));
        String block = page.substring(page.indexOf("```sql") + 6, page.indexOf("```", page.indexOf("```sql") + 6));
        List<String> queries = java.util.Arrays.stream(block.split("\\n\\s*\\n"))
                .map(q -> q.lines().filter(l -> !l.startsWith("--")).collect(java.util.stream.Collectors.joining("\n")).trim())
                .filter(q -> !q.isEmpty()).toList();
        assertTrue(queries.size() >= 6, queries.toString());
        for (String query : queries) {
            Process p = new ProcessBuilder("bash", DemoRun.launcher().toString(), "sql", query, "--out", demo.out().toString(),
                    "--format", "csv").directory(RepoPaths.root().toFile()).redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(5, TimeUnit.MINUTES));
            assertEquals(0, p.exitValue(), query + "\n" + err);
            assertTrue(out.lines().count() > 1, "no row from\n" + query);
            assertFalse(out.contains(",,,"), "empty results from\n" + query + "\n" + out);
        }
    }

    @Test
    void everyNotebookExecutesAgainstTheDemoRun() throws Exception {
        boolean nbconvert = Files.isExecutable(Path.of("/usr/bin/jupyter-nbconvert"));
        skipWithout("jupyter-nbconvert", nbconvert);
        Path notebooks = RepoPaths.root().resolve("notebooks");
        Path executed = Files.createDirectories(RepoPaths.root().resolve("pipelines/target/notebooks"));
        List<Path> all = new ArrayList<>();
        try (var files = Files.list(notebooks)) {
            files.filter(f -> f.toString().endsWith(".ipynb")).sorted().forEach(all::add);
        }
        assertTrue(all.size() >= 3, "one notebook per paper: " + all);
        for (Path nb : all) {
            ProcessBuilder pb = new ProcessBuilder("/usr/bin/jupyter-nbconvert", "--to", "notebook", "--execute",
                    "--ExecutePreprocessor.timeout=600", "--output-dir", executed.toString(), nb.toString())
                    .directory(notebooks.toFile()).redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            env.put("NEUROSWEEP_OUT", demo.out().toString());
            env.put("NEUROSWEEP_CLI", "bash " + DemoRun.launcher());
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, TimeUnit.MINUTES), nb + " did not finish");
            assertEquals(0, p.exitValue(), nb + ":\n" + output);
            String result = Files.readString(executed.resolve(nb.getFileName()));
            assertFalse(result.contains("\"output_type\": \"error\""), nb + " has an error output");
            assertTrue(result.contains("\"image/png\""), nb + " drew no figure");
        }
    }
}
