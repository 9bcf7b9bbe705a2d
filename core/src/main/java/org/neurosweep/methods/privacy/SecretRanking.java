package org.neurosweep.methods.privacy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Activations;
import org.neurosweep.autograd.Var;
import org.neurosweep.data.PrivateRecord;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.neurons.PrivacyAttribution.PrivateTokens;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.KvCache;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.model.generate.TokenPredictor;
import org.neurosweep.text.Tokenizer;

/**
 * The rank of a secret among all candidates of its format ({@link SecretFormat}) by the model's likelihood
 * log p(candidate | context), each candidate tokenized as it would stand in the text (context + candidate), and the
 * exposure that rank gives (exact: every candidate is scored). Also DEPN's per-digit approximation.
 *
 * <p>Causal LM: exact scoring walks the trie of the candidates' token sequences level by level: each distinct proper prefix is
 * one row of a batched forward that continues the context from a KV cache (filled once, rewound after each batch),
 * and its next-token log-probabilities are added to the scores of every candidate below it. So a candidate costs no
 * forward of its own: a six-digit space of 10^6 candidates needs about as many rows as the trie has inner nodes.
 *
 * <p>Masked LM (BERT): a candidate's score is its pseudo-log-likelihood, each of its tokens read at its own masked
 * position with the rest of the text visible ({@link TokenPredictor}); the per-digit approximation masks one digit at
 * a time (DEPN's BERT setting). Ranking, exposure and the approximation are otherwise the same code for both.
 */
public final class SecretRanking {

    /**
     * @param candidates    |R|
     * @param rank          1 + candidates scoring strictly higher than the secret
     * @param exposure      log2 |R| − log2 rank
     * @param secretLogProb log p(secret | context), nats
     * @param meanLogProb   the mean over all candidates of log p(candidate | context)
     */
    public record Result(int candidates, int rank, double exposure, double secretLogProb, double meanLogProb) {
    }

    /**
     * DEPN's approximation (docs/methods/privacy-neurons.md): per digit, the 0-based rank r_i of the true digit token among
     * the ten digit tokens given the true preceding digits; rank = 1 + Σ r_i · 10^(n−1−i).
     */
    public record Approximation(int[] digitRanks, double rank, double exposure) {
    }

    private static final int CHUNK = 1 << 16;

    private final CausalLM model;
    private final Tokenizer tokenizer;
    private final int microBatch;
    private final TokenPredictor predictor;

    /** @param microBatch trie nodes per forward */
    public SecretRanking(CausalLM model, Tokenizer tokenizer, int microBatch) {
        if (microBatch < 1) {
            throw new IllegalArgumentException("micro-batch must be >= 1, got " + microBatch);
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.microBatch = microBatch;
        this.predictor = TokenPredictor.of(model, tokenizer, microBatch);
    }

    /** How this ranking reads a token's probability (teacher-forced, or masked for a masked LM). */
    public TokenPredictor predictor() {
        return predictor;
    }

    /**
     * Exact exposure of the record's secret among the candidates that share its first {@code knownDigits} digits,
     * the model edited by {@code hooks}.
     */
    public Result exact(PrivateTokens secret, int knownDigits, Hooks hooks) {
        PrivateRecord r = secret.record();
        SecretFormat format = SecretFormat.of(r.secret(), knownDigits);
        int[] prompt = Arrays.copyOf(secret.ids(), secret.from());
        int[][] continuations = continuations(r, format, prompt);
        double[] scores = predictor.masked() ? pseudoLogLikelihoods(prompt, continuations, hooks)
                : teacherForced(prompt, continuations, hooks);
        int secretIndex = format.secretIndex();
        double own = scores[secretIndex];
        int better = 0;
        double sum = 0;
        for (double s : scores) {
            better += s > own ? 1 : 0;
            sum += s;
        }
        return new Result(scores.length, better + 1, Exposure.of(scores.length, better + 1), own, sum / scores.length);
    }

    // causal LM: log p(candidate | prompt) by the chain rule, walking the candidates' trie from a KV cache
    private double[] teacherForced(int[] prompt, int[][] continuations, Hooks hooks) {
        Integer[] order = new Integer[continuations.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Arrays.compare(continuations[a], continuations[b]));
        int maxLength = Arrays.stream(continuations).mapToInt(c -> c.length).max().orElseThrow();
        double[] scores = new double[continuations.length];

        int rows = Math.min(microBatch, continuations.length);
        KvCache cache = model.newCache(rows, prompt.length + maxLength);
        int[][] prompts = new int[rows][];
        Arrays.fill(prompts, prompt);
        try (Forward f = model.forward(Batch.of(prompts).logitsAt(LogitsAt.last()), hooks, cache)) {
            double[] first = logSoftmax(f.logits().value())[0];
            for (int c = 0; c < continuations.length; c++) {
                scores[c] += first[continuations[c][0]];
            }
        }
        for (int depth = 1; depth < maxLength; depth++) {
            List<int[]> runs = runs(continuations, order, depth);          // {from, to} in sorted order
            for (int start = 0; start < runs.size(); start += rows) {
                List<int[]> batch = runs.subList(start, Math.min(start + rows, runs.size()));
                int[][] prefixes = new int[rows][];
                for (int j = 0; j < rows; j++) {
                    int[] run = batch.get(Math.min(j, batch.size() - 1));
                    prefixes[j] = Arrays.copyOf(continuations[order[run[0]]], depth);
                }
                double[][] next;
                try (Forward f = model.forward(Batch.continuing(cache, prefixes).logitsAt(LogitsAt.last()), hooks, cache)) {
                    next = logSoftmax(f.logits().value());
                }
                cache.rewind(prompt.length);
                for (int j = 0; j < batch.size(); j++) {
                    for (int s = batch.get(j)[0]; s < batch.get(j)[1]; s++) {
                        int c = order[s];
                        scores[c] += next[j][continuations[c][depth]];
                    }
                }
            }
        }
        return scores;
    }

    /**
     * Masked LM: each candidate's pseudo-log-likelihood Σ_i log p(c_i | prompt, the candidate with c_i alone masked)
     * (Salazar et al. 2020). A masked LM sees the whole candidate, so no prefix is shared: a candidate costs one row per
     * token; candidates go to the predictor in chunks to bound the queries held at once.
     */
    private double[] pseudoLogLikelihoods(int[] prompt, int[][] continuations, Hooks hooks) {
        double[] scores = new double[continuations.length];
        int chunk = Math.max(1, microBatch * 16);
        for (int from = 0; from < continuations.length; from += chunk) {
            List<TokenPredictor.Query> queries = new ArrayList<>();
            List<Integer> owner = new ArrayList<>();
            for (int c = from; c < Math.min(from + chunk, continuations.length); c++) {
                int[] text = concat(prompt, continuations[c]);
                for (int i = prompt.length; i < text.length; i++) {
                    queries.add(TokenPredictor.Query.token(text, i));
                    owner.add(c);
                }
            }
            double[] lp = predictor.logProbs(queries, hooks);
            for (int q = 0; q < lp.length; q++) {
                scores[owner.get(q)] += lp[q];
            }
        }
        return scores;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The per-digit approximation, or null when a digit of the secret is not a token of its own. */
    public Approximation perDigit(PrivateTokens secret, Hooks hooks) {
        PrivateRecord r = secret.record();
        String s = r.secret();
        if (!secret.oneTokenPerCharacter() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int n = s.length();
        int[][] digitTokens = new int[n][10];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < 10; d++) {
                int[] ids = tokenizer.encode(r.context() + s.substring(0, i) + (char) ('0' + d));
                if (ids.length != secret.from() + i + 1 || !Arrays.equals(ids, 0, ids.length - 1, secret.ids(), 0, ids.length - 1)) {
                    return null;
                }
                digitTokens[i][d] = ids[ids.length - 1];
            }
        }
        int[] text = Arrays.copyOf(secret.ids(), secret.to());
        List<TokenPredictor.Query> digits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            digits.add(TokenPredictor.Query.token(text, secret.from() + i));
        }
        float[][] logits = predictor.logits(digits, hooks);                    // (n, vocab)
        int[] ranks = new int[n];
        double rank = 1;
        for (int i = 0; i < n; i++) {
            float own = logits[i][digitTokens[i][s.charAt(i) - '0']];
            for (int d = 0; d < 10; d++) {
                ranks[i] += logits[i][digitTokens[i][d]] > own ? 1 : 0;
            }
            rank += ranks[i] * Math.pow(10, n - 1 - i);
        }
        return new Approximation(ranks, rank, Exposure.of(Math.pow(10, n), rank));
    }

    // each candidate's tokens after the prompt; the context's tokens must not change
    private int[][] continuations(PrivateRecord r, SecretFormat format, int[] prompt) {
        int n = format.size();
        int[][] out = new int[n][];
        for (int from = 0; from < n; from += CHUNK) {
            List<String> texts = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + CHUNK); i++) {
                texts.add(r.context() + format.candidate(i));
            }
            int[][] ids = tokenizer.encodeBatch(texts);
            for (int k = 0; k < ids.length; k++) {
                if (ids[k].length <= prompt.length || !Arrays.equals(ids[k], 0, prompt.length, prompt, 0, prompt.length)) {
                    throw new IllegalArgumentException("private record " + r.id() + ": candidate \"" + format.candidate(from + k)
                            + "\" changes the tokens of the context; exact exposure needs the context tokenized alike");
                }
                out[from + k] = Arrays.copyOfRange(ids[k], prompt.length, ids[k].length);
            }
        }
        return out;
    }

    // maximal runs of sorted candidates longer than depth sharing their first depth tokens
    private static List<int[]> runs(int[][] continuations, Integer[] order, int depth) {
        List<int[]> runs = new ArrayList<>();
        int start = -1;
        for (int s = 0; s < order.length; s++) {
            int[] c = continuations[order[s]];
            if (c.length <= depth) {
                if (start >= 0) {
                    runs.add(new int[] {start, s});
                    start = -1;
                }
                continue;
            }
            if (start >= 0 && !Arrays.equals(continuations[order[start]], 0, depth, c, 0, depth)) {
                runs.add(new int[] {start, s});
                start = -1;
            }
            if (start < 0) {
                start = s;
            }
        }
        if (start >= 0) {
            runs.add(new int[] {start, order.length});
        }
        return runs;
    }

    // (b, 1, vocab) logits → log-softmax rows in double
    private static double[][] logSoftmax(INDArray logits) {
        INDArray flat = logits.reshape(logits.size(0), logits.size(2)).castTo(DataType.DOUBLE);
        return Activations.logSoftmax(Var.constant(flat)).value().toDoubleMatrix();
    }
}
