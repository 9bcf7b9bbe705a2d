package org.neurosweep.jobs.lota;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.job.TableReader;
import org.neurosweep.quant.GptqCheckpoint;
import org.neurosweep.report.Chart;
import org.neurosweep.testjobs.SweepRun;
import org.neurosweep.testjobs.TestSpark;
import org.neurosweep.testutil.RepoPaths;

/**
 * One short LoTA-QAF run of the world model {@code dense} at 2 bits, group size 64, in local[2]: every table gets its
 * rows, the merge audit passes on every layer, the four variants are evaluated, and the checkpoints are published;
 * and a one-step run on a GPTQ base with act-order groups whose merge is lossless as well.
 */
class LotaQafJobTest {

    @TempDir
    Path dir;

    @Test
    void oneRunWritesItsTablesAndALosslessMerge() throws Exception {
        SweepRun sweep = SweepRun.of(dir, "lota.conf", """
                sweep {
                  name = lota
                  models { dense { path = "%s" } }
                  datasets { instruct { format = instructions, path = "%s" } }
                  jobs = [ { job = lota-qaf, models = [dense], datasets = [instruct],
                             params { bits = 2, steps = 4, micro-batch = 8, eval-examples = 8, rank = 16 } } ]
                }
                """.formatted(RepoPaths.world("dense"), RepoPaths.dataset("world/instruct.jsonl")),
                List.of(new LotaQafJob()));
        assertEquals(1, sweep.result().committed());

        List<Row> steps = sweep.table(LotaQafJob.TRAIN_STEP).orderBy("train_step").collectAsList();
        assertEquals(4, steps.size());
        assertEquals(0.95 + (1 / 3.2) * 0.049, steps.get(0).getDouble(steps.get(0).fieldIndex("sigma_t")), 1e-12);
        // B = 0 at the start, so A's gradient Bᵀ·∂L/∂P is zero: only B moves in the first step
        assertEquals(0L, steps.get(0).getLong(steps.get(0).fieldIndex("n_entries_updated_a")));
        assertTrue(steps.get(0).getLong(steps.get(0).fieldIndex("n_entries_updated_b")) > 0, "the first step flips B");

        assertEquals(42, sweep.table(LotaQafJob.LAYER_STATE).count());
        List<Row> audit = sweep.table(LotaQafJob.MERGE_AUDIT).collectAsList();
        assertEquals(42, audit.size());
        for (Row r : audit) {
            assertTrue(r.getInt(r.fieldIndex("max_abs_code_change")) <= 1);
            assertEquals(0L, r.getLong(r.fieldIndex("n_codes_out_of_range")));
            assertEquals(0.0, r.getDouble(r.fieldIndex("max_abs_diff_weff_vs_merged")), r.getString(r.fieldIndex("module")));
            assertEquals(0.0, r.getDouble(r.fieldIndex("max_abs_diff_reloaded")), r.getString(r.fieldIndex("module")));
        }
        assertTrue(audit.stream().anyMatch(r -> r.getLong(r.fieldIndex("n_codes_changed")) > 0), "some code moved");

        Set<String> variants = sweep.table(LotaQafJob.EVAL).where(col("metric").equalTo("exact_match"))
                .select("variant").collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet());
        assertEquals(Set.of("bf16", "gptq", "lota_merged", "lora_gptq"), variants);
        double bf16 = perplexity(sweep, "bf16");
        double gptq = perplexity(sweep, "gptq");
        assertTrue(gptq > bf16, "2-bit quantization raises the response perplexity: " + bf16 + " → " + gptq);

        try (Stream<Path> files = Files.walk(sweep.sweeps().out().resolve("artifacts"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.contains("merged") && names.contains("quantized"), names.toString());
        }
        TableReader reader = sweep::table;
        List<String> headlines = new LotaQafJob().headlines(reader);
        assertTrue(headlines.stream().anyMatch(l -> l.contains("lossless")), headlines.toString());
        List<Chart> figures = new LotaQafJob().figures(reader);
        Chart.Line loss = (Chart.Line) figures.get(0);
        assertEquals(1, loss.series().size());
        assertEquals(4, loss.series().get(0).x().length);
        Chart.Bars exactMatch = (Chart.Bars) figures.get(2);
        assertEquals(List.of("bf16", "gptq", "lota_merged", "lora_gptq"), exactMatch.series());
        Chart.Bars lossless = (Chart.Bars) figures.get(figures.size() - 1);
        assertEquals(List.of("packed", "reloaded"), lossless.series());
        for (double[] v : lossless.values()) {
            assertEquals(0.0, v[0]);
        }
    }

    @Test
    void aGptqBaseWithActOrderGroupsMergesLosslessly() throws Exception {
        SweepRun sweep = SweepRun.of(dir, "lota-gptq.conf", """
                sweep {
                  name = lotagptq
                  models { dense { path = "%s" } }
                  datasets { instruct { format = instructions, path = "%s" } }
                  jobs = [ { job = lota-qaf, models = [dense], datasets = [instruct],
                             params { bits = 2, steps = 1, micro-batch = 8, eval-examples = 2, rank = 16,
                                      lora-baseline = false, quantizer = gptq, act-order = true,
                                      calibration-examples = 8 } } ]
                }
                """.formatted(RepoPaths.world("dense"), RepoPaths.dataset("world/instruct.jsonl")),
                List.of(new LotaQafJob()));
        assertEquals(1, sweep.result().committed());
        try (Stream<Path> dirs = Files.walk(sweep.sweeps().out().resolve("artifacts"))) {
            Path quantized = dirs.filter(p -> p.getFileName().toString().equals("quantized")).findFirst().orElseThrow();
            assertTrue(GptqCheckpoint.layers(quantized).values().stream().noneMatch(l -> l.groups().isContiguous()),
                    "GPTQ with act-order stores non-contiguous g_idx");
        }
        List<Row> audit = sweep.table(LotaQafJob.MERGE_AUDIT).collectAsList();
        assertEquals(42, audit.size());
        for (Row r : audit) {
            assertEquals(0.0, r.getDouble(r.fieldIndex("max_abs_diff_reloaded")), r.getString(r.fieldIndex("module")));
        }
    }

    @Test
    void aRunWithoutTrainingRecordsFailsClearlyAndEmptyTablesGiveNoHeadlines() throws Exception {
        SweepRun sweep = SweepRun.of(dir, "lota-fail.conf", """
                sweep {
                  name = lotafail
                  models { dense { path = "%s" } }
                  datasets { instruct { format = instructions, path = "%s" } }
                  jobs = [ { job = lota-qaf, models = [dense], datasets = [instruct],
                             params { steps = 2, micro-batch = 8, train-split = none } } ]
                }
                """.formatted(RepoPaths.world("dense"), RepoPaths.dataset("world/instruct.jsonl")),
                List.of(new LotaQafJob()));
        assertEquals(0, sweep.result().committed());
        String error = sweep.table("manifest").where(col("status").equalTo("failed")).select("error").first().getString(0);
        assertTrue(error.contains("fewer than micro-batch"), error);
        assertTrue(new LotaQafJob().headlines(name -> TestSpark.session().emptyDataFrame()).isEmpty());
    }

    private static double perplexity(SweepRun sweep, String variant) {
        return sweep.table(LotaQafJob.EVAL).where(col("metric").equalTo("perplexity").and(col("variant").equalTo(variant)))
                .select("score").first().getDouble(0);
    }
}
