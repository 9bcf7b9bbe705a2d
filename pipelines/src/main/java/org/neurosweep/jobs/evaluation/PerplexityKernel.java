package org.neurosweep.jobs.evaluation;

import org.neurosweep.data.ReadResult;
import org.neurosweep.data.TextLines;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.TableRows;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.jobs.ForwardFootprint;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.generate.Continuation;
import org.neurosweep.model.generate.ContinuationScore;
import org.neurosweep.model.generate.ContinuationScorer;
import org.neurosweep.text.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Scores the lines of one dataset slice with one model; stateless, so one instance serves all task threads. */
final class PerplexityKernel implements Kernel {

    /** Value equality lets every task of an executor reuse one kernel. */
    record Factory() implements KernelFactory {
        @Override
        public Kernel create() {
            return new PerplexityKernel();
        }
    }

    @Override
    public void run(WorkUnit unit, UnitInputs in, RowSink out) {
        ReadResult<TextLines.Line> read = TextLines.read(in.dataset(), unit.dataset().shard(), 0);
        out.badRecords(read.badRecords());
        List<TextLines.Line> lines = unit.dataset().limit(read.records());
        ModelHandle model = in.model();
        ModelConfig config = model.config();
        Tokenizer tokenizer = model.tokenizer();
        boolean prefixEos = unit.params().getBoolean(PerplexityJob.PREFIX_EOS);
        int maxTokens = unit.params().getInt(PerplexityJob.MAX_TOKENS);
        // a sequence is the prefix token (if any) plus the scored tokens, within the model's positions (BLOOM's ALiBi
        // states no maximum: maxPositions 0)
        int positions = config.maxPositions() > 0 ? config.maxPositions() - (prefixEos ? 1 : 0) : Integer.MAX_VALUE;
        int limit = Math.min(maxTokens > 0 ? maxTokens : Integer.MAX_VALUE, positions);
        int eos = eosId(tokenizer, config);

        List<Continuation> items = new ArrayList<>();
        List<TextLines.Line> scored = new ArrayList<>();
        List<Boolean> truncated = new ArrayList<>();
        int longest = 1;
        for (TextLines.Line line : lines) {
            int[] ids = tokenizer.encode(line.text());
            int[] tokens = Arrays.copyOf(ids, Math.min(ids.length, prefixEos ? limit : limit + 1));
            Continuation c = continuation(tokens, prefixEos, eos);
            if (c == null) {
                continue;   // nothing to score: an empty line, or a one-token line without the prefix
            }
            items.add(c);
            scored.add(line);
            truncated.add(tokens.length < ids.length);
            longest = Math.max(longest, tokens.length + 1);
        }
        int microBatch = in.microBatch(ForwardFootprint.bytes(config, longest, longest));
        List<ContinuationScore> scores = new ContinuationScorer(model.model(), microBatch, ContinuationScorer.Padding.RIGHT)
                .score(items);
        TableRows rows = out.table(PerplexityJob.TABLE);
        for (int i = 0; i < scores.size(); i++) {
            ContinuationScore s = scores.get(i);
            TextLines.Line line = scored.get(i);
            rows.add(Long.toString(line.number()), line.number(), s.tokenLogProbs().length, -s.sum(), truncated.get(i));
        }
    }

    private static Continuation continuation(int[] tokens, boolean prefixEos, int eos) {
        if (prefixEos) {
            return tokens.length == 0 ? null : new Continuation(new int[]{eos}, tokens);
        }
        return tokens.length < 2 ? null
                : new Continuation(new int[]{tokens[0]}, Arrays.copyOfRange(tokens, 1, tokens.length));
    }

    private static int eosId(Tokenizer tokenizer, ModelConfig config) {
        if (!config.eosTokenIds().isEmpty()) {
            return config.eosTokenIds().get(0);
        }
        return tokenizer.eosId().orElseThrow(() -> new IllegalStateException(
                "neither config.json nor the tokenizer names an end-of-text token; set prefix-eos = false"));
    }
}
