package org.neurosweep.cli;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.testjobs.TestSpark;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code neurosweep sql} over a small output root of two runs, written here with Spark in the tables' layout. */
class SqlCommandTest {

    @TempDir
    static Path out;

    private record Result(int status, String out, String err) {
    }

    @BeforeAll
    static void writeTables() {
        SparkSession spark = TestSpark.session();
        spark.sql("SELECT * FROM VALUES ('u1', 'perplexity', 'committed', NULL), ('u2', 'perplexity', 'failed', 'boom, twice'), "
                + "('u3', 'logit-lens', 'committed', NULL) AS t(unit_id, job, status, error)")
                .write().parquet(out.resolve("manifest/run=r1").toString());
        spark.sql("SELECT * FROM VALUES ('u9', 'perplexity', 'committed', CAST(NULL AS STRING)) AS t(unit_id, job, status, error)")
                .write().parquet(out.resolve("manifest/run=r2").toString());
        spark.sql("SELECT * FROM VALUES (0, 1, array(0.5D, 0.5D), 'a, b'), (1, 2, array(1D, 0D), NULL), (2, 4, NULL, 'c') "
                + "AS t(layer, gold_rank, probs, note)").write().parquet(out.resolve("scores/run=r1").toString());
    }

    private static Result sql(String... argv) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        String[] full = new String[argv.length + 3];
        full[0] = "sql";
        System.arraycopy(argv, 0, full, 1, argv.length);
        full[argv.length + 1] = "--out";
        full[argv.length + 2] = out.toString();
        int status = Main.run(full, new Console(new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), false));
        return new Result(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyTableIsAViewWithItsRunAndPrintsAsAnAlignedTable() {
        Result r = sql("SELECT run, job, count(*) AS units FROM manifest GROUP BY run, job ORDER BY run, job");
        assertEquals(0, r.status(), r.err());
        assertEquals("""
                run  job         units
                ---  ----------  -----
                r1   logit-lens      1
                r1   perplexity      2
                r2   perplexity      1
                (3 rows)
                """, r.out());
        Result one = sql("SELECT count(*) AS n FROM manifest", "--run", "r2");
        assertTrue(one.out().contains("\n1\n(1 row)"), one.out());
        Result tables = sql("SHOW TABLES");
        assertTrue(tables.out().contains(" manifest ") && tables.out().contains(" scores "), "a query naming no table sees all: " + tables.out());
        Result limited = sql("SELECT layer FROM scores ORDER BY layer", "--limit", "2");
        assertTrue(limited.out().endsWith("(first 2 rows shown; --limit N for more, --format csv|json for all)\n"), limited.out());
    }

    @Test
    void csvQuotesAndWritesArraysAsJsonAndJsonLinesKeepNulls() {
        Result csv = sql("SELECT layer, ns_mrr(gold_rank) OVER () AS mrr, probs, note FROM scores ORDER BY layer", "--format", "csv");
        assertEquals(0, csv.status(), csv.err());
        double mrr = (1 + 0.5 + 0.25) / 3;
        assertEquals(List.of("layer,mrr,probs,note", "0," + mrr + ",\"[0.5,0.5]\",\"a, b\"", "1," + mrr + ",\"[1.0,0.0]\",",
                "2," + mrr + ",,c"), csv.out().lines().toList());
        Result json = sql("SELECT layer, probs, note FROM scores WHERE layer = 1", "--format", "json");
        assertEquals("{\"layer\":1,\"probs\":[1.0,0.0],\"note\":null}\n", json.out());
    }

    @Test
    void writesToAFileAndParquetToAFolder() throws Exception {
        Path csv = out.resolveSibling(out.getFileName() + "-result.csv");
        Result r = sql("SELECT job FROM manifest WHERE status = 'failed'", "--format", "csv", "--output", csv.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("job\nperplexity\n", Files.readString(csv));
        Path parquet = out.resolveSibling(out.getFileName() + "-result.parquet");
        assertEquals(0, sql("SELECT * FROM scores", "--format", "parquet", "--output", parquet.toString()).status());
        assertEquals(3, TestSpark.session().read().parquet(parquet.toString()).count());
        Result noOutput = sql("SELECT 1", "--format", "parquet");
        assertEquals(2, noOutput.status());
        assertTrue(noOutput.err().contains("--format parquet needs --output DIR"), noOutput.err());
    }

    @Test
    void aBadQueryGetsSparksMessageWithoutAStackTrace() {
        Result missing = sql("SELECT * FROM no_such_table");
        assertEquals(2, missing.status());
        assertTrue(missing.err().startsWith("neurosweep sql: [TABLE_OR_VIEW_NOT_FOUND]"), missing.err());
        assertFalse(missing.err().contains("\tat "), missing.err());
        Result syntax = sql("SELEKT 1");
        assertEquals(2, syntax.status());
        assertTrue(syntax.err().contains("PARSE_SYNTAX_ERROR"), syntax.err());
        Result failing = sql("SELECT ns_kl(array(1D), probs) FROM scores");
        assertEquals(4, failing.status());
        assertTrue(failing.err().startsWith("neurosweep sql: the query failed: ns_kl: arrays of length 1 and 2"), failing.err());
        assertFalse(failing.err().contains("\tat "), failing.err());
    }

    @Test
    void sqlAndReportHaveHelpAndRejectBadCommandLines() {
        for (String command : List.of("sql", "report")) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            assertEquals(0, Main.run(new String[] {command, "--help"}, new Console(new PrintStream(o, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream()), false)));
            assertTrue(o.toString(StandardCharsets.UTF_8).startsWith("Usage: neurosweep " + command), o.toString(StandardCharsets.UTF_8));
        }
        Result format = sql("SELECT 1", "--format", "xml");
        assertEquals(2, format.status());
        assertTrue(format.err().contains("unknown --format 'xml' (table, csv, json or parquet)"), format.err());
        assertEquals(2, sql("SELECT 1", "SELECT 2").status());
    }

    @Test
    void aFolderWithoutTablesOrAnUnknownRunIsAUsageError() {
        Result run = sql("SELECT 1", "--run", "r7");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("no run 'r7' under") && run.err().contains("(runs: r1, r2)"), run.err());
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"sql", "SELECT 1", "--out", out.resolve("scores/run=r1").toString()},
                new Console(new PrintStream(new ByteArrayOutputStream()), new PrintStream(e, true, StandardCharsets.UTF_8), false));
        assertEquals(2, status);
        assertTrue(e.toString(StandardCharsets.UTF_8).contains("holds no NeuroSweep tables"), e.toString(StandardCharsets.UTF_8));
    }
}
