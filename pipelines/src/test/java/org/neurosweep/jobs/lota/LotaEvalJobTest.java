package org.neurosweep.jobs.lota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.JobRegistry;
import org.neurosweep.job.TableSchema;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.testjobs.TestSweeps;
import org.neurosweep.testutil.RepoPaths;

/**
 * A lota-qaf run (world model {@code dense}, 2 bits, a few steps) evaluated inline, then its committed checkpoints
 * evaluated again by lota-eval map units, one per variant: the same lota_eval rows, number for number. And the
 * errors of an entry that names no committed run.
 */
class LotaEvalJobTest {

    private static final List<org.neurosweep.job.Job> JOBS = List.of(new LotaQafJob(), new LotaEvalJob());

    @TempDir
    Path dir;

    private String sweep(String name, String job, String params) {
        return """
                sweep {
                  name = %s
                  models { dense { path = "%s" } }
                  datasets { instruct { format = instructions, path = "%s" } }
                  jobs = [ { job = %s, models = [dense], datasets = [instruct], params { %s } } ]
                }
                """.formatted(name, RepoPaths.world("dense"), RepoPaths.dataset("world/instruct.jsonl"), job, params);
    }

    @Test
    void mapUnitsOverTheCommittedCheckpointsReproduceTheInlineEvaluation() throws Exception {
        TestSweeps sweeps = new TestSweeps(dir);
        // run 1 (run id qaf): adaptation with the evaluation inline, checkpoints quantized/, merged/, lora/ published
        SweepPlan qaf = TestSweeps.plan(JOBS, sweeps.conf("qaf.conf", sweep("qaf", "lota-qaf",
                "bits = 2, steps = 2, micro-batch = 8, eval-examples = 8, rank = 16")));
        assertEquals(1, TestSweeps.run(qaf).committed());
        String unit = qaf.units().get(0).id();
        Path artifacts = sweeps.out().resolve("artifacts").resolve("run=qaf");
        for (String checkpoint : List.of("quantized", "merged", "lora")) {
            assertTrue(Files.isDirectory(artifacts.resolve(unit).resolve(checkpoint)), checkpoint + " is an artifact");
        }

        // run 2 (run id evals): one map unit per variant over the committed artifacts of run qaf
        SweepPlan evals = TestSweeps.plan(JOBS, sweeps.conf("evals.conf", sweep("evals", "lota-eval",
                "lota-from = \"" + artifacts + "\", variant = [bf16, gptq, lota_merged, lora_gptq], eval-examples = 8")));
        assertEquals(4, evals.unitCount());
        assertEquals(4, TestSweeps.run(evals).committed());

        Map<String, Row> inline = rows(sweeps, "qaf");
        Map<String, Row> mapped = rows(sweeps, "evals");
        assertEquals(8, inline.size(), "4 variants x exact match and perplexity");
        assertEquals(inline.keySet(), mapped.keySet());
        for (Map.Entry<String, Row> e : inline.entrySet()) {
            Row a = e.getValue();
            Row b = mapped.get(e.getKey());
            for (String c : List.of("bits", "group_size", "benchmark", "n_shot", "n_examples", "score", "stderr")) {
                // the same checkpoints, records, micro-batches and code: the same doubles, bit for bit
                assertEquals(a.<Object>getAs(c), b.<Object>getAs(c), e.getKey() + " " + c);
            }
        }
        assertEquals(8, inline.get("gptq/exact_match").<Integer>getAs("n_examples"));
        for (Row r : inline.values()) {
            assertEquals(unit, r.<String>getAs("lota_unit"), "inline rows name their own unit");
        }
        for (Row r : mapped.values()) {
            assertEquals(unit, r.<String>getAs("lota_unit"), "lota-eval rows name the unit whose checkpoints they read");
            assertTrue(!unit.equals(r.<String>getAs("unit_id")));
        }
        org.neurosweep.job.TableReader evalRun = t -> sweeps.table(t).where("run = 'evals'");
        List<String> headlines = new LotaEvalJob().headlines(evalRun);
        String expected = String.format(java.util.Locale.ROOT, "dense 2-bit g64 (lota-qaf unit %s) perplexity over 8 records: "
                        + "bf16 %.4f gptq %.4f lota_merged %.4f lora_gptq %.4f", unit,
                inline.get("bf16/perplexity").<Double>getAs("score"), inline.get("gptq/perplexity").<Double>getAs("score"),
                inline.get("lota_merged/perplexity").<Double>getAs("score"),
                inline.get("lora_gptq/perplexity").<Double>getAs("score"));
        assertTrue(headlines.contains(expected), expected + " in " + headlines);
        List<org.neurosweep.report.Chart> figures = new LotaEvalJob().figures(evalRun);
        assertEquals(2, figures.size(), "exact match and perplexity");
        assertEquals(LotaEvaluation.VARIANTS, ((org.neurosweep.report.Chart.Bars) figures.get(1)).series());
        assertTrue(inline.get("gptq/perplexity").<Double>getAs("score") > inline.get("bf16/perplexity").<Double>getAs("score"),
                "2-bit quantization raises the response perplexity");
        // both runs' rows in one reader, as when lota-eval runs as a later stage of the lota-qaf run: lota-qaf's
        // headlines show its inline rows only, not lota-eval's four units (which share the table)
        org.neurosweep.job.TableReader both = sweeps::table;
        List<String> qafLines = new LotaQafJob().headlines(both).stream().filter(l -> l.contains("perplexity")).toList();
        assertEquals(1, qafLines.size(), qafLines.toString());
        assertTrue(qafLines.get(0).contains("(unit " + unit + ")"), qafLines.toString());

        // a lota-qaf unit id that the run has not committed: a config error naming the key
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestSweeps.plan(JOBS,
                sweeps.conf("wrong-unit.conf", sweep("wrong", "lota-eval", "lota-from = \"" + artifacts
                        + "\", lota-unit = 0123456789abcdef, variant = gptq"))));
        assertTrue(e.getMessage().contains("params.lota-unit = 0123456789abcdef") && e.getMessage().contains(unit),
                e.getMessage());
    }

    @Test
    void withEvaluateNoneTheRunOnlyWritesCheckpointsAndAMissingLoraBaselineFailsItsUnit() throws Exception {
        TestSweeps sweeps = new TestSweeps(dir);
        SweepPlan qaf = TestSweeps.plan(JOBS, sweeps.conf("none.conf", sweep("none", "lota-qaf",
                "bits = 2, steps = 1, micro-batch = 8, rank = 16, lora-baseline = false, evaluate = none")));
        assertEquals(1, TestSweeps.run(qaf).committed());
        Path artifacts = sweeps.out().resolve("artifacts").resolve("run=none");
        assertTrue(Files.isDirectory(artifacts.resolve(qaf.units().get(0).id()).resolve("merged")));
        assertTrue(!Files.exists(sweeps.out().resolve(LotaEvaluation.TABLE)), "no lota_eval rows with evaluate = none");

        SweepPlan evals = TestSweeps.plan(JOBS, sweeps.conf("lora.conf", sweep("lora", "lota-eval",
                "lota-from = \"" + artifacts + "\", variant = [lota_merged, lora_gptq], eval-examples = 2")));
        org.neurosweep.exec.SweepResult result = TestSweeps.run(evals);
        assertEquals(1, result.committed(), "lota_merged");
        assertEquals(1, result.failures().size());
        assertTrue(result.failures().get(0).error().contains("has no lora/ checkpoint (the run had lora-baseline = false)"),
                result.failures().get(0).error());
        assertEquals(2, sweeps.table(LotaEvaluation.TABLE).where("variant = 'lota_merged'").count());

        Exception e = assertThrows(org.neurosweep.sweep.SweepConfigException.class, () -> TestSweeps.plan(JOBS,
                sweeps.conf("bad.conf", sweep("bad", "lota-qaf", "evaluate = later"))));
        assertTrue(e.getMessage().contains("evaluate") && e.getMessage().contains("must be one of inline, none, got \"later\""),
                e.getMessage());
    }

    private static Map<String, Row> rows(TestSweeps sweeps, String run) {
        Map<String, Row> out = new TreeMap<>();
        for (Row r : sweeps.table(LotaEvaluation.TABLE).where("run = '" + run + "'").collectAsList()) {
            Row previous = out.put(r.<String>getAs("variant") + "/" + r.<String>getAs("metric"), r);
            assertEquals(null, previous, "one row per variant and metric");
        }
        return out;
    }

    @Test
    void anEntryNamingNoCommittedRunIsAConfigErrorNamingTheKey() {
        TestSweeps sweeps = new TestSweeps(dir);
        Path missing = dir.resolve("out/artifacts/run=never");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestSweeps.plan(JOBS,
                sweeps.conf("missing.conf", sweep("missing", "lota-eval", "lota-from = \"" + missing + "\", variant = gptq"))));
        assertTrue(e.getMessage().contains("params.lota-from = " + missing) && e.getMessage().contains("no such folder"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line");
    }

    @Test
    void aStarLotaUnitPlansEveryCommittedLotaQafUnitOfTheFolderAndNamingOneOfSeveralIsRequiredOtherwise() throws Exception {
        TestSweeps sweeps = new TestSweeps(dir);
        Path artifacts = dir.resolve("out/artifacts/run=two");
        for (String unit : List.of("bbbb", "aaaa")) {
            Files.createDirectories(artifacts.resolve(unit).resolve("merged"));
        }
        Files.createDirectories(artifacts.resolve("cccc"));   // not a lota-qaf unit: no merged/
        SweepPlan plan = TestSweeps.plan(JOBS, sweeps.conf("star.conf", sweep("star", "lota-eval",
                "lota-from = \"" + artifacts + "\", lota-unit = \"*\", variant = [gptq, lota_merged]")));
        assertEquals(List.of("aaaa/gptq", "aaaa/lota_merged", "bbbb/gptq", "bbbb/lota_merged"), plan.units().stream()
                .map(u -> u.params().getString("lota-unit") + "/" + u.params().getString("variant")).sorted().toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestSweeps.plan(JOBS,
                sweeps.conf("unnamed.conf", sweep("unnamed", "lota-eval", "lota-from = \"" + artifacts + "\", variant = gptq"))));
        assertTrue(e.getMessage().contains("holds the lota-qaf units [aaaa, bbbb]; name one (or a list, or \"*\")"),
                e.getMessage());
    }

    @Test
    void aTableOfOneSchemaMayBelongToSeveralJobsButNotTwoSchemas() {
        assertEquals(List.of(LotaEvaluation.SCHEMA), new LotaEvalJob().tables());
        assertTrue(new LotaQafJob().tables().contains(LotaEvaluation.SCHEMA));
        JobRegistry registry = JobRegistry.of(JOBS);
        assertTrue(registry.names().containsAll(List.of("lota-qaf", "lota-eval")));
        MapJob other = new MapJob() {
            @Override
            public String name() {
                return "other-eval";
            }

            @Override
            public int version() {
                return 1;
            }

            @Override
            public String description() {
                return "declares lota_eval with another schema";
            }

            @Override
            public List<TableSchema> tables() {
                return List.of(TableSchema.of(LotaEvaluation.TABLE, "another",
                        Column.required("score", ColumnType.DOUBLE, "a score")));
            }

            @Override
            public List<ParamSpec> params() {
                return List.of();
            }

            @Override
            public KernelFactory kernels() {
                return null;
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> JobRegistry.of(List.of(new LotaQafJob(), other)));
        assertTrue(e.getMessage().contains("declared by jobs lota-qaf and other-eval with different schemas"), e.getMessage());
    }
}
