package org.neurosweep.jobs.lota;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ReportQueries;
import org.neurosweep.report.SupportsReport;
import org.neurosweep.quant.LotaQaf;
import org.neurosweep.quant.ZeroFormat;

/**
 * Post-training quantization of a 16-bit model into a GPTQ-layout checkpoint (a unit artifact {@code quantized/}):
 * round-to-nearest, or GPTQ with calibration sequences from the unit's instruction records (prompt and response
 * tokens). One unit = (model, dataset slice, parameters); one row per quantized projection.
 */
public final class QuantizeJob implements MapJob, NeedsDataset, SupportsHeadlines, SupportsReport {

    static final String TABLE = "quantize_layer";
    static final String METHOD = "method";
    static final String BITS = "bits";
    static final String GROUP_SIZE = "group-size";
    static final String ACT_ORDER = "act-order";
    static final String DAMPENING = "dampening";
    static final String BLOCK_SIZE = "block-size";
    static final String CALIBRATION_EXAMPLES = "calibration-examples";
    static final String CALIBRATION_SPLIT = "calibration-split";
    static final String TARGETS = "targets";
    static final String ZERO_FORMAT = "zero-format";

    private static final TableSchema LAYERS = TableSchema.of(TABLE,
            "one row per quantized projection of a quantize unit",
            Column.optional("layer_idx", ColumnType.INT, "decoder layer of the projection; null when the name has none"),
            Column.required("module", ColumnType.STRING, "module name, e.g. model.layers.3.mlp.down_proj"),
            Column.required("method", ColumnType.STRING, "rtn or gptq"),
            Column.required("bits", ColumnType.INT, "bits per code"),
            Column.required("group_size", ColumnType.INT, "input columns per group"),
            Column.required("act_order", ColumnType.BOOLEAN, "GPTQ visited the columns by decreasing Hessian diagonal (g_idx not contiguous)"),
            Column.optional("calibration_rows", ColumnType.LONG, "GPTQ: calibration tokens that reached the projection; null for rtn"),
            Column.required("weight_rel_error", ColumnType.DOUBLE, "‖W − Ŵ‖_F / ‖W‖_F"),
            Column.optional("output_error", ColumnType.DOUBLE, "GPTQ: mean over calibration tokens and output units of ((W − Ŵ)·x)²; null for rtn"),
            Column.optional("rtn_output_error", ColumnType.DOUBLE, "GPTQ: the same for round-to-nearest's Ŵ on the same inputs; null for rtn"),
            Column.required("quantized_uri", ColumnType.STRING, "URI of the unit's GPTQ checkpoint (artifact quantized/)"));

    @Override
    public String name() {
        return "quantize";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "round-to-nearest or GPTQ quantization of a model into a GPTQ-layout checkpoint";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(LAYERS);
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(
                ParamSpec.of(METHOD, ParamType.STRING, "gptq", "rtn (round-to-nearest) or gptq (calibrated error compensation)"),
                ParamSpec.of(BITS, ParamType.INT, 4, "bits per code: 2, 3, 4 or 8"),
                ParamSpec.of(GROUP_SIZE, ParamType.INT, 64, "input columns per quantization group"),
                ParamSpec.of(ACT_ORDER, ParamType.BOOLEAN, false, "gptq: visit columns by decreasing Hessian diagonal"),
                ParamSpec.of(DAMPENING, ParamType.DOUBLE, 0.01, "gptq: λ, share of the mean Hessian diagonal added to it"),
                ParamSpec.of(BLOCK_SIZE, ParamType.INT, 128, "gptq: columns per lazy batch update"),
                ParamSpec.of(CALIBRATION_EXAMPLES, ParamType.INT, 32, "gptq: instruction records whose tokens calibrate"),
                ParamSpec.of(CALIBRATION_SPLIT, ParamType.STRING, "train", "gptq: calibrate on records of this split; empty = all"),
                ParamSpec.of(TARGETS, ParamType.STRING, LotaQaf.DEFAULT_TARGETS, "regex over module names of the quantized projections"),
                ParamSpec.of(ZERO_FORMAT, ParamType.STRING, ZeroFormat.V2.configName(), "zero points in the checkpoint: gptq (v1, z-1) or gptq_v2"));
    }

    @Override
    public Set<String> formats() {
        return Set.of("instructions");
    }

    @Override
    public KernelFactory kernels() {
        return new QuantizeKernel.Factory();
    }

    /** Per unit: the method, the mean relative weight error, and for GPTQ its mean output error against RTN's. */
    @Override
    public List<String> headlines(TableReader tables) {
        return ReportQueries.rows(tables, TABLE, groupBy(col("model_id"), col("unit_id"), col("method"), col("bits"),
                col("group_size")).count().avg("weight_rel_error").avg("output_error").avg("rtn_output_error")).stream().map(r -> String.format(Locale.ROOT,
                "%s %s %d-bit g%d (unit %s): %d layers, weight error %.4f%s", r.getString(0), r.getString(2),
                r.getInt(3), r.getInt(4), r.getString(1), r.getLong(5), r.getDouble(6),
                r.isNullAt(7) ? "" : String.format(Locale.ROOT, ", calibration output error %.3g (RTN %.3g)",
                        r.getDouble(7), r.getDouble(8)))).toList();
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return LotaFigures.quantize(tables);
    }
}
