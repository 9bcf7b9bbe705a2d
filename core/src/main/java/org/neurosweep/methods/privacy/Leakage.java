package org.neurosweep.methods.privacy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.evaluation.Perplexity;
import org.neurosweep.methods.neurons.PrivacyAttribution.PrivateTokens;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.Continuation;
import org.neurosweep.model.generate.ContinuationScore;
import org.neurosweep.model.generate.ContinuationScorer;

/**
 * What a model (possibly edited by hooks) leaks of a set of private records: each secret's exact exposure and
 * per-digit approximation ({@link SecretRanking}), the negative log-likelihood of each secret's tokens given their
 * context, and the perplexity of held-out text (the utility an edit costs).
 *
 * @param exact      per record
 * @param approx     per record, null entries where digits are not single tokens
 * @param secretNll  per record, −log p(secret tokens | context), nats
 * @param heldoutPpl perplexity of the held-out lines, null without any
 */
public record Leakage(List<SecretRanking.Result> exact, List<SecretRanking.Approximation> approx, double[] secretNll,
                      int[] secretTokens, Double heldoutPpl) {

    /** Mean exact exposure over the records (NaN without records). */
    public double meanExposure() {
        return exact.stream().mapToDouble(SecretRanking.Result::exposure).average().orElse(Double.NaN);
    }

    /** exp(Σ NLL / Σ tokens) over all secrets' tokens (NaN without records). */
    public double privatePerplexity() {
        int tokens = Arrays.stream(secretTokens).sum();
        return tokens == 0 ? Double.NaN : Math.exp(Arrays.stream(secretNll).sum() / tokens);
    }

    /**
     * @param perplexity  scores {@code heldout}; null when there is no held-out text
     * @param knownDigits leading digits of each secret its candidates keep
     * @param microBatch  rows per forward
     */
    public static Leakage measure(CausalLM model, SecretRanking ranking, Perplexity perplexity, List<PrivateTokens> records,
                                  List<String> heldout, Hooks hooks, int knownDigits, int microBatch) {
        List<SecretRanking.Result> exact = new ArrayList<>();
        List<SecretRanking.Approximation> approx = new ArrayList<>();
        List<Continuation> secrets = new ArrayList<>();
        int[] counts = new int[records.size()];
        for (int i = 0; i < records.size(); i++) {
            PrivateTokens t = records.get(i);
            exact.add(ranking.exact(t, knownDigits, hooks));
            approx.add(ranking.perDigit(t, hooks));
            secrets.add(new Continuation(Arrays.copyOf(t.ids(), t.from()), Arrays.copyOfRange(t.ids(), t.from(), t.to())));
            counts[i] = t.count();
        }
        double[] nll = new ContinuationScorer(model, microBatch, ContinuationScorer.Padding.RIGHT).score(secrets, hooks)
                .stream().mapToDouble(s -> -s.sum()).toArray();
        Double heldoutPpl = perplexity == null || heldout.isEmpty() ? null
                : Perplexity.Result.of(perplexity.score(heldout, hooks)).perplexity();
        return new Leakage(exact, approx, nll, counts, heldoutPpl);
    }
}
