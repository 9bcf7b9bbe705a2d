package org.neurosweep.methods.privacy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.evaluation.Perplexity;
import org.neurosweep.methods.neurons.PrivacyAttribution.PrivateTokens;
import org.neurosweep.model.generate.TokenPredictor;

/**
 * What a model (possibly edited by hooks) leaks of a set of private records: each secret's exact exposure and
 * per-digit approximation ({@link SecretRanking}), the negative log-likelihood of each secret's tokens given their
 * context, and the perplexity of held-out text (the utility an edit costs). A token's log-probability is read as
 * {@link SecretRanking#predictor()} reads it: teacher-forced on a causal LM, at its own mask on a masked LM (so the
 * secret's "NLL" is then the negative pseudo-log-likelihood, and perplexities are pseudo-perplexities).
 *
 * @param exact      per record
 * @param approx     per record, null entries where digits are not single tokens
 * @param secretNll  per record, −Σ_i log p(y_i | …) over the secret's tokens, nats (causal: −log p(secret | context))
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
     */
    public static Leakage measure(SecretRanking ranking, Perplexity perplexity, List<PrivateTokens> records,
                                  List<String> heldout, Hooks hooks, int knownDigits) {
        List<SecretRanking.Result> exact = new ArrayList<>();
        List<SecretRanking.Approximation> approx = new ArrayList<>();
        List<TokenPredictor.Query> secretTokens = new ArrayList<>();
        int[] counts = new int[records.size()];
        for (int i = 0; i < records.size(); i++) {
            PrivateTokens t = records.get(i);
            exact.add(ranking.exact(t, knownDigits, hooks));
            approx.add(ranking.perDigit(t, hooks));
            int[] text = Arrays.copyOf(t.ids(), t.to());
            for (int k = t.from(); k < t.to(); k++) {
                secretTokens.add(TokenPredictor.Query.token(text, k));
            }
            counts[i] = t.count();
        }
        double[] lp = ranking.predictor().logProbs(secretTokens, hooks);
        double[] nll = new double[records.size()];
        for (int i = 0, q = 0; i < records.size(); i++) {
            for (int k = 0; k < counts[i]; k++) {
                nll[i] -= lp[q++];
            }
        }
        Double heldoutPpl = perplexity == null || heldout.isEmpty() ? null
                : Perplexity.Result.of(perplexity.score(heldout, hooks)).perplexity();
        return new Leakage(exact, approx, nll, counts, heldoutPpl);
    }
}
