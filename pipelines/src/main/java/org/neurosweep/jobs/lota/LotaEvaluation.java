package org.neurosweep.jobs.lota;

import java.util.List;
import org.neurosweep.data.InstructionExample;
import org.neurosweep.job.TableRows;
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
 * the end-of-text token included).
 */
final class LotaEvaluation {

    private final List<InstructionExample> records;
    private final List<LmExample> examples;
    private final Tokenizer tokenizer;
    private final int endOfText;
    private final int pad;
    private final LotaSettings settings;
    private final int bits;
    private final int groupSize;
    private final String benchmark;
    private final int microBatch;
    private final TableRows rows;

    LotaEvaluation(List<InstructionExample> records, Tokenizer tokenizer, int endOfText, int pad, LotaSettings settings,
                   int bits, int groupSize, String benchmark, int microBatch, TableRows rows) {
        this.records = records;
        this.examples = InstructionExamples.of(records, tokenizer, PromptFormat.INSTRUCTION, endOfText);
        this.tokenizer = tokenizer;
        this.endOfText = endOfText;
        this.pad = pad;
        this.settings = settings;
        this.bits = bits;
        this.groupSize = groupSize;
        this.benchmark = benchmark;
        this.microBatch = microBatch;
        this.rows = rows;
    }

    void run(String variant, CausalLM model) {
        if (records.isEmpty()) {
            return;
        }
        long correct = new InstructionExactMatch(model, tokenizer, PromptFormat.INSTRUCTION, settings.maxNewTokens(),
                endOfText, microBatch).run(records).stream().filter(InstructionExactMatch.Outcome::correct).count();
        int n = records.size();
        double accuracy = (double) correct / n;
        rows.add(null, variant, bits, groupSize, benchmark, 0, n, "exact_match", accuracy,
                Math.sqrt(accuracy * (1 - accuracy) / n));
        rows.add(null, variant, bits, groupSize, benchmark, 0, n, "perplexity", Math.exp(meanResponseNll(model)), null);
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
