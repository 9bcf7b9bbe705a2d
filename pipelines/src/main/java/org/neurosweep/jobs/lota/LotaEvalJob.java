package org.neurosweep.jobs.lota;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.neurosweep.job.JobSpec;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.ParamType;
import org.neurosweep.job.Params;
import org.neurosweep.job.Planner;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.report.Aggregation;
import org.neurosweep.report.Chart;
import org.neurosweep.report.ReportQueries;
import org.neurosweep.report.SupportsReport;

import static org.neurosweep.report.Aggregation.col;
import static org.neurosweep.report.Aggregation.groupBy;

/**
 * The evaluation of a committed {@code lota-qaf} run as map units: one unit = (variant checkpoint, evaluation shard),
 * the variants being the 16-bit model (the entry's model, the run's base), the quantized model before adaptation
 * and the adapted-and-merged model (both served quantized-resident) and the fp LoRA baseline on the dequantized
 * base. It reads the run's committed unit artifacts ({@code lota-from}, {@code lota-unit}) and writes the rows of
 * {@code lota_eval} that the run writes inline with {@code evaluate = inline}, through the same evaluation.
 */
public final class LotaEvalJob implements MapJob, NeedsDataset, SupportsHeadlines, SupportsReport {

    static final String LOTA_FROM = "lota-from";
    static final String LOTA_UNIT = "lota-unit";
    static final String VARIANT = "variant";

    @Override
    public String name() {
        return "lota-eval";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String description() {
        return "LoTA-QAF evaluation as map units: exact match and response perplexity of a committed lota-qaf run's "
                + "16-bit, quantized, merged and LoRA checkpoints";
    }

    @Override
    public List<TableSchema> tables() {
        return List.of(LotaEvaluation.SCHEMA);
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(
                ParamSpec.of(LOTA_FROM, ParamType.STRING, null, "the artifacts folder of a committed lota-qaf run, "
                        + "<out>/artifacts/run=R"),
                ParamSpec.of(LOTA_UNIT, ParamType.STRING, "", "the lota-qaf unit id (its folder under lota-from); "
                        + "empty = the run's only lota-qaf unit; \"*\" = every committed one; a list is a grid axis"),
                ParamSpec.oneOf(VARIANT, ParamType.STRING, null, LotaEvaluation.VARIANTS, "the checkpoint evaluated: "
                        + "bf16 (this entry's model), gptq (quantized/, or the model when it is GPTQ), lota_merged "
                        + "(merged/), lora_gptq (lora/); a list is a grid axis"),
                ParamSpec.of(LotaSettings.EVAL_SPLIT, ParamType.STRING, "test", "evaluate on records of this split; empty = all"),
                ParamSpec.of(LotaSettings.EVAL_EXAMPLES, ParamType.INT, 0, "evaluate at most this many records of the "
                        + "unit's shard; 0 = all of the split"),
                ParamSpec.of(LotaSettings.MAX_NEW_TOKENS, ParamType.INT, 8, "greedy tokens at most per exact-match answer"));
    }

    @Override
    public Set<String> formats() {
        return Set.of("instructions");
    }

    /**
     * The default grid over the points with {@code lota-unit = "*"} expanded to one point per committed lota-qaf unit
     * of the folder, after checking at plan time that every point names a committed unit.
     */
    @Override
    public Planner planner() {
        return spec -> {
            List<Params> points = new ArrayList<>();
            for (Params p : spec.grid()) {
                if (p.getInt(LotaSettings.EVAL_EXAMPLES) < 0 || p.getInt(LotaSettings.MAX_NEW_TOKENS) < 1) {
                    throw new IllegalArgumentException("lota-eval: params." + LotaSettings.EVAL_EXAMPLES
                            + " must be >= 0 and params." + LotaSettings.MAX_NEW_TOKENS + " >= 1");
                }
                Path from = Path.of(p.getString(LOTA_FROM));
                if (p.getString(LOTA_UNIT).equals(CommittedLotaRun.ALL)) {
                    for (String unit : CommittedLotaRun.units(from)) {
                        Map<String, Object> values = new TreeMap<>(p.values());
                        values.put(LOTA_UNIT, unit);
                        points.add(Params.of(values));
                    }
                } else {
                    CommittedLotaRun.unit(from, p.getString(LOTA_UNIT));
                    points.add(p);
                }
            }
            return Planner.grid().plan(new JobSpec(spec.job(), spec.models(), spec.slices(), points, spec.catalog()));
        };
    }

    @Override
    public KernelFactory kernels() {
        return new LotaEvalKernel.Factory();
    }

    /**
     * Per evaluated lota-qaf unit and metric, one line with each variant's score combined over the shards
     * ({@link LotaFigures#withCombinedScore}). Nothing when no unit wrote a row.
     */
    @Override
    public List<String> headlines(TableReader tables) {
        // rows (model_id, lota_unit, bits, group_size, metric, variant order, variant, combined score, records)
        List<Row> rows = new ArrayList<>();
        for (String metric : LotaFigures.METRICS) {
            Aggregation groups = groupBy(col("model_id"), col("lota_unit"), col("bits"), col("group_size"), col("metric"),
                    LotaFigures.VARIANT_ORDER, col("variant"));
            rows.addAll(ReportQueries.rows(tables, LotaEvaluation.TABLE,
                    LotaFigures.withCombinedScore(groups, metric).sum("n_examples")));
        }
        rows.sort(Aggregation.ROWS);
        Map<String, StringBuilder> byRun = new LinkedHashMap<>();
        for (Row r : rows) {
            String key = String.format(Locale.ROOT, "%s %d-bit g%d (lota-qaf unit %s) %s over %d records:", r.getString(0),
                    r.getInt(2), r.getInt(3), r.getString(1), r.getString(4), ((Number) r.get(8)).longValue());
            byRun.computeIfAbsent(key, k -> new StringBuilder(k))
                    .append(String.format(Locale.ROOT, " %s %.4f", r.getString(6), r.getDouble(7)));
        }
        return byRun.values().stream().map(StringBuilder::toString).toList();
    }

    @Override
    public List<Chart> figures(TableReader tables) {
        return LotaFigures.evaluation(tables);
    }
}
