package org.neurosweep.jobs.lota;

import java.util.List;
import java.util.function.Supplier;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.job.Column;
import org.neurosweep.job.ColumnType;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.TableSchema;
import org.neurosweep.methods.evaluation.InstructionExactMatch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.text.PromptFormat;
import org.neurosweep.text.Tokenizer;
import org.neurosweep.train.CausalLmBatch;
import org.neurosweep.train.InstructionExamples;
import org.neurosweep.train.LmExample;
import org.neurosweep.train.LossMask;

/**
 * Scores one model variant on the held-out instruction records and writes its {@code lota_eval} rows: exact match of
 * greedy answers, and the perplexity of the reference responses (exp of the mean response-token NLL, teacher-forced,
 * the end-of-text token included). The one evaluation of both {@code lota-qaf} (inline, {@code evaluate = inline}) and
 * {@code lota-eval} (one map unit per variant checkpoint and shard), which therefore share the table's schema.
 */
final class LotaEvaluation {

    static final String TABLE = "lota_eval";

    static final TableSchema SCHEMA = TableSchema.of(TABLE,
            "one row per (model variant, metric) on the held-out instruction split",
            Column.required("variant", ColumnType.STRING, "bf16 (the 16-bit source), gptq (quantized, before adaptation), "
                    + "lota_merged (adapted, merged, reloaded), lora_gptq (fp LoRA on the dequantized base)"),
            Column.required("bits", ColumnType.INT, "bits per code of the quantized base"),
            Column.required("group_size", ColumnType.INT, "input columns per group"),
            Column.required("benchmark", ColumnType.STRING, "the dataset's name in the sweep"),
            Column.required("n_shot", ColumnType.INT, "in-context examples (0)"),
            Column.required("n_examples", ColumnType.INT, "records evaluated"),
            Column.required("metric", ColumnType.STRING, "exact_match (greedy answer equals the reference) or "
                    + "perplexity (exp of the mean response-token NLL, teacher-forced)"),
            Column.required("score", ColumnType.DOUBLE, "the metric's value"),
            Column.optional("stderr", ColumnType.DOUBLE, "binomial standard error of exact_match; null for perplexity"),
            Column.optional("lota_unit", ColumnType.STRING, "the lota-qaf unit whose checkpoints were evaluated: the "
                    + "row's own unit_id inline, the read unit in lota-eval; null in rows written before the column"));

    /** The variants, in the order {@code lota-qaf} evaluates them. */
    static final List<String> VARIANTS = List.of("bf16", "gptq", "lota_merged", "lora_gptq");

    private final List<InstructionExample> records;
    private final List<LmExample> examples;
    private final Tokenizer tokenizer;
    private final int endOfText;
    private final int pad;
    private final int maxNewTokens;
    private final int bits;
    private final int groupSize;
    private final String benchmark;
    private final String lotaUnit;
    private final int microBatch;
    private final TableRows rows;

    LotaEvaluation(List<InstructionExample> records, Tokenizer tokenizer, int endOfText, int pad, int maxNewTokens,
                   int bits, int groupSize, String benchmark, String lotaUnit, int microBatch, TableRows rows) {
        this.records = records;
        this.examples = InstructionExamples.of(records, tokenizer, PromptFormat.INSTRUCTION, endOfText);
        this.tokenizer = tokenizer;
        this.endOfText = endOfText;
        this.pad = pad;
        this.maxNewTokens = maxNewTokens;
        this.bits = bits;
        this.groupSize = groupSize;
        this.benchmark = benchmark;
        this.lotaUnit = lotaUnit;
        this.microBatch = microBatch;
        this.rows = rows;
    }

    /** The held-out records of a slice: those of {@code split} (all when empty), the first {@code max} (all when 0). */
    static List<InstructionExample> heldOut(List<InstructionExample> records, String split, int max) {
        List<InstructionExample> out = split.isEmpty() ? records
                : records.stream().filter(e -> split.equals(e.split())).toList();
        return max > 0 && out.size() > max ? out.subList(0, max) : out;
    }

    /** Evaluates {@code variant}, loading it only when there is a record to evaluate. */
    void run(String variant, Supplier<CausalLM> load) {
        if (records.isEmpty()) {
            return;
        }
        CausalLM model = load.get();
        long correct = new InstructionExactMatch(model, tokenizer, PromptFormat.INSTRUCTION, maxNewTokens,
                endOfText, microBatch).run(records).stream().filter(InstructionExactMatch.Outcome::correct).count();
        int n = records.size();
        double accuracy = (double) correct / n;
        rows.add(null, variant, bits, groupSize, benchmark, 0, n, "exact_match", accuracy,
                Math.sqrt(accuracy * (1 - accuracy) / n), lotaUnit);
        rows.add(null, variant, bits, groupSize, benchmark, 0, n, "perplexity", Math.exp(meanResponseNll(model)), null,
                lotaUnit);
    }

    private double meanResponseNll(CausalLM model) {
        double nll = 0;
        long tokens = 0;
        for (int from = 0; from < examples.size(); from += microBatch) {
            CausalLmBatch batch = CausalLmBatch.of(examples.subList(from, Math.min(from + microBatch, examples.size())),
                    pad, LossMask.RESPONSE_ONLY);
            try (Forward f = model.forward(batch.input())) {
                nll += batch.loss(f.logits()).value().getDouble(0) * batch.countedTokens();
            }
            tokens += batch.countedTokens();
        }
        return nll / tokens;
    }
}
