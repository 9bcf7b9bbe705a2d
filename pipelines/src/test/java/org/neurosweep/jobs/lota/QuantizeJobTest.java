package org.neurosweep.jobs.lota;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.job.TableReader;
import org.neurosweep.model.CausalLM;
import org.neurosweep.quant.GptqCheckpoint;
import org.neurosweep.quant.QuantizedLinear;
import org.neurosweep.report.Chart;
import org.neurosweep.testjobs.SweepRun;
import org.neurosweep.testutil.RepoPaths;

/**
 * RTN and GPTQ quantization of the world model {@code dense} at 2 bits, group size 64, as two units in local[2]: 42
 * rows each, GPTQ's calibration output error below RTN's on average, and each published checkpoint reloads with the
 * weights its rows describe.
 */
class QuantizeJobTest {

    @TempDir
    Path dir;

    @Test
    void rtnAndGptqUnitsWriteCheckpointsAndLayerRows() throws Exception {
        SweepRun sweep = SweepRun.of(dir, "quantize.conf", """
                sweep {
                  name = quantize
                  models { dense { path = "%s" } }
                  datasets { instruct { format = instructions, path = "%s" } }
                  jobs = [ { job = quantize, models = [dense], datasets = [instruct],
                             params { method = [rtn, gptq], bits = 2, group-size = 64, act-order = true,
                                      calibration-examples = 8 } } ]
                }
                """.formatted(RepoPaths.world("dense"), RepoPaths.dataset("world/instruct.jsonl")),
                List.of(new QuantizeJob()));
        assertEquals(2, sweep.result().committed());

        List<Row> rtn = sweep.table(QuantizeJob.TABLE).where(col("method").equalTo("rtn")).collectAsList();
        List<Row> gptq = sweep.table(QuantizeJob.TABLE).where(col("method").equalTo("gptq")).collectAsList();
        assertEquals(42, rtn.size());
        assertEquals(42, gptq.size());
        double gptqError = 0;
        double rtnError = 0;
        for (Row r : gptq) {
            assertTrue(r.getLong(r.fieldIndex("calibration_rows")) > 0);
            gptqError += r.getDouble(r.fieldIndex("output_error"));
            rtnError += r.getDouble(r.fieldIndex("rtn_output_error"));
        }
        assertTrue(gptqError < rtnError, "mean calibration output error: GPTQ " + gptqError + " vs RTN " + rtnError);
        assertTrue(rtn.stream().allMatch(r -> r.isNullAt(r.fieldIndex("output_error"))));

        CausalLM dense = CausalLM.load(RepoPaths.world("dense"));
        for (List<Row> rows : List.of(rtn, gptq)) {
            Path checkpoint = Path.of(URI.create(rows.get(0).getString(rows.get(0).fieldIndex("quantized_uri"))));
            Map<String, QuantizedLinear> layers = GptqCheckpoint.layers(checkpoint);
            assertEquals(42, layers.size());
            assertEquals(rows.get(0).getString(rows.get(0).fieldIndex("method")).equals("gptq"),
                    !layers.values().iterator().next().groups().isContiguous(), "act-order g_idx");
            CausalLM loaded = CausalLM.load(checkpoint);
            for (Row r : rows) {
                String module = r.getString(r.fieldIndex("module"));
                INDArray w = dense.parameters().get(module + ".weight").value().transpose();
                INDArray q = loaded.parameters().get(module + ".weight").value().transpose();
                assertEquals(r.getDouble(r.fieldIndex("weight_rel_error")),
                        w.distance2(q) / w.norm2Number().doubleValue(), 1e-5, module);
            }
        }
        List<String> headlines = new QuantizeJob().headlines((TableReader) sweep::table);
        assertEquals(2, headlines.size(), headlines.toString());
        assertTrue(headlines.stream().anyMatch(l -> l.contains("RTN")), headlines.toString());
        List<Chart> figures = new QuantizeJob().figures(sweep::table);
        assertEquals(1, figures.size());
        Chart.Bars bars = (Chart.Bars) figures.get(0);
        assertEquals(42, bars.categories().size());
        assertEquals(2, bars.series().size(), bars.series().toString());
    }
}
