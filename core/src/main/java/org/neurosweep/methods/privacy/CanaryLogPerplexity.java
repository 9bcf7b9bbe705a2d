package org.neurosweep.methods.privacy;

import java.util.List;
import java.util.function.Function;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.Continuation;
import org.neurosweep.model.generate.ContinuationScorer;
import org.neurosweep.text.Tokenizer;

/**
 * LP(c) = −Σ_t log p(c_t | prefix, c_&lt;t) of candidate secrets after a canary's prefix, the candidate written as it
 * follows the prefix in the corpus ({@code " " + c}); batched by {@link ContinuationScorer}. Thread-safe when the
 * model is.
 */
public final class CanaryLogPerplexity implements Function<List<String>, double[]> {

    private final ContinuationScorer scorer;
    private final Tokenizer tokenizer;
    private final int[] prefix;

    public CanaryLogPerplexity(CausalLM model, Tokenizer tokenizer, String prefix, int microBatch) {
        this.scorer = new ContinuationScorer(model, microBatch, ContinuationScorer.Padding.RIGHT);
        this.tokenizer = tokenizer;
        this.prefix = tokenizer.encode(prefix);
        if (this.prefix.length == 0) {
            throw new IllegalArgumentException("a canary needs a non-empty prefix");
        }
    }

    @Override
    public double[] apply(List<String> candidates) {
        List<Continuation> items = candidates.stream()
                .map(c -> new Continuation(prefix, tokenizer.encode(" " + c))).toList();
        return scorer.score(items).stream().mapToDouble(s -> -s.sum()).toArray();
    }
}
