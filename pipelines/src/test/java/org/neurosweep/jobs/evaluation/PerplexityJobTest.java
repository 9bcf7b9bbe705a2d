package org.neurosweep.jobs.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.exec.RunTables;
import org.neurosweep.table.TableLayout;
import org.neurosweep.testjobs.SweepRun;
import org.neurosweep.testjobs.TestSpark;
import org.neurosweep.testutil.RepoPaths;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerplexityJobTest {

    @TempDir
    Path dir;

    /**
     * The world models' reference: perplexity over the first 2000 lines of pretrain.txt, each line after a leading
     * end-of-text token, measured by the reference implementation in fp32. Four modulo shards of 500 lines each are
     * exactly those lines; the model is loaded once on the one executor of local[2].
     */
    @Test
    void matchesTheReferencePerplexityOfTheDenseModel() throws Exception {
        SweepRun sweep = SweepRun.of(dir, "ppl.conf", """
                sweep {
                  name = ppl
                  models { dense { path = "%s" } }
                  datasets { pretrain { format = text, path = "%s", shards = 4, max-records = 500 } }
                  jobs = [ { job = perplexity, models = [dense], datasets = [pretrain] } ]
                }
                """.formatted(RepoPaths.world("dense"), RepoPaths.dataset("world/pretrain.txt")), List.of(new PerplexityJob()));
        assertEquals(4, sweep.result().committed());
        assertEquals(1, sweep.result().modelLoads(), "one executor x one model");
        Row totals = sweep.table(PerplexityJob.TABLE).agg(sum(col("nll")), sum(col("tokens")), org.apache.spark.sql.functions.count("*")).first();
        assertEquals(2000L, totals.getLong(2));
        double perplexity = Math.exp(totals.getDouble(0) / totals.getLong(1));
        double reference = new ObjectMapper().readTree(RepoPaths.world("eval").resolve("eval-dense.json").toFile())
                .get("pretrain_text_ppl_first2000_lines").asDouble();
        assertEquals(reference, perplexity, 1e-4 * reference, "perplexity over the first 2000 lines");
        List<String> headline = List.of(String.format(Locale.ROOT, "dense on pretrain: perplexity %.4f over 2000 lines", perplexity));
        assertEquals(headline, new PerplexityJob().headlines(sweep::table), "one headline: the four shards' lines pooled");
        RunTables files = new RunTables(TestSpark.session(), new TableLayout(sweep.result().out(), sweep.result().runId()),
                RunTables.schemas(List.of(new PerplexityJob())));
        assertTrue(files.driverRows(PerplexityJob.TABLE).isPresent(), "a small table is read on the driver");
        assertEquals(headline, new PerplexityJob().headlines(files), "the same line from the rows read on the driver");
        Row manifest = sweep.table("manifest").agg(sum(col("model_loaded").cast("int")), org.apache.spark.sql.functions.min("micro_batch")).first();
        assertEquals(1L, manifest.getLong(0), "the manifest counts the same single load");
        assertTrue(manifest.getInt(1) >= 1, "the kernel chose a micro-batch from the memory budget");
    }
}
