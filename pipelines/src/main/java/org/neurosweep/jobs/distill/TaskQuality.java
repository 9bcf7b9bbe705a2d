package org.neurosweep.jobs.distill;

import java.util.List;
import org.neurosweep.methods.distill.DistillExample;
import org.neurosweep.methods.distill.PrivacyTagger;
import org.neurosweep.methods.distill.TokenDistillation;
import org.neurosweep.methods.evaluation.InstructionExactMatch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.text.Tokenizer;
import org.neurosweep.train.LmExample;

/**
 * Task quality of any model on a corpus's held-out instructions, the same for every role of a distillation unit:
 * the mean response NLL (nats per token, end-of-text included) and greedy exact match.
 */
final class TaskQuality {

    /** The figures of one model; NaN and n = 0 when the corpus has no evaluation items. */
    record Figures(double responseNll, double exactMatch, long n) {
    }

    private final DistillCorpus corpus;
    private final List<LmExample> sequences;
    private final Tokenizer tokenizer;
    private final int padId;
    private final int endOfText;
    private final int microBatch;
    private final int maxNewTokens;

    TaskQuality(DistillCorpus corpus, Tokenizer tokenizer, int padId, int endOfText, int microBatch, int maxNewTokens) {
        this.sequences = corpus.eval().stream()
                .map(e -> DistillExample.of(e.id(), corpus.prompt(e), e.output(), endOfText, tokenizer, PrivacyTagger.none()).tokens())
                .toList();
        this.corpus = corpus;
        this.tokenizer = tokenizer;
        this.padId = padId;
        this.endOfText = endOfText;
        this.microBatch = microBatch;
        this.maxNewTokens = maxNewTokens;
    }

    /** The longest evaluation sequence in tokens (for the micro-batch estimate); 1 when there is none. */
    static int longest(DistillCorpus corpus, Tokenizer tokenizer) {
        return corpus.eval().stream().mapToInt(e -> tokenizer.encode(corpus.prompt(e) + e.output()).length + 1)
                .max().orElse(1);
    }

    Figures measure(CausalLM model) {
        if (sequences.isEmpty()) {
            return new Figures(Double.NaN, Double.NaN, 0);
        }
        double nll = TokenDistillation.responseNll(model, sequences, padId, microBatch);
        List<InstructionExactMatch.Outcome> outcomes = new InstructionExactMatch(model, tokenizer, corpus.format(),
                maxNewTokens, endOfText, microBatch).run(corpus.eval());
        double exact = outcomes.stream().filter(InstructionExactMatch.Outcome::correct).count() / (double) outcomes.size();
        return new Figures(nll, exact, outcomes.size());
    }

    /** The split the figures are about. */
    String evalSet() {
        return corpus.eval().isEmpty() ? "" : corpus.eval().get(0).split();
    }
}
