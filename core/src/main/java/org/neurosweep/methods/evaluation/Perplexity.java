package org.neurosweep.methods.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.TokenPredictor;
import org.neurosweep.text.Tokenizer;

/**
 * Perplexity of held-out text, line by line (data/README.md, {@code pretrain_text_ppl_first2000_lines}): each
 * line is scored after a leading document-start token (the end-of-text id the model was trained with between
 * documents), every token of the line counted; perplexity = exp(Σ NLL / Σ tokens) over all lines. Lines without
 * tokens add nothing. Lines are scored in micro-batches of similar length. For a masked LM (BERT),
 * {@link #orPseudoPerplexity} gives the pseudo-perplexity instead (Salazar et al. 2020): each token of the line masked in turn, the start token and the rest
 * of the line visible, one row per token. Thread-safe.
 */
public final class Perplexity {

    /** One line: its tokens and their summed negative log-likelihood (0 and 0 for a line without tokens). */
    public record LineScore(int tokens, double nll) {
    }

    /** The figures of a text: lines and tokens scored, the summed negative log-likelihood. */
    public record Result(long lines, long tokens, double nllSum) {

        public static Result of(List<LineScore> lines) {
            long scored = lines.stream().filter(l -> l.tokens() > 0).count();
            return new Result(scored, lines.stream().mapToLong(LineScore::tokens).sum(),
                    lines.stream().mapToDouble(LineScore::nll).sum());
        }

        public double meanNll() {
            return nllSum / tokens;
        }

        public double perplexity() {
            return Math.exp(meanNll());
        }
    }

    private final TokenPredictor predictor;
    private final Tokenizer tokenizer;
    private final int startToken;

    /** Perplexity of a causal LM; a masked LM is refused (its reading is {@link #orPseudoPerplexity}). */
    public Perplexity(CausalLM model, Tokenizer tokenizer, int startToken, int microBatch) {
        this(TokenPredictor.of(causal(model), tokenizer, microBatch), tokenizer, startToken);
    }

    /** Perplexity of a causal LM, the pseudo-perplexity of a masked LM (read at its tokenizer's mask token). */
    public static Perplexity orPseudoPerplexity(CausalLM model, Tokenizer tokenizer, int startToken, int microBatch) {
        return new Perplexity(TokenPredictor.of(model, tokenizer, microBatch), tokenizer, startToken);
    }

    private static CausalLM causal(CausalLM model) {
        if (!model.config().causal()) {
            throw new IllegalArgumentException(model.config().modelType() + " is a masked LM: perplexity needs a causal "
                    + "model (the privacy jobs report a masked LM's pseudo-perplexity)");
        }
        return model;
    }

    private Perplexity(TokenPredictor predictor, Tokenizer tokenizer, int startToken) {
        this.predictor = predictor;
        this.tokenizer = tokenizer;
        this.startToken = startToken;
    }

    /** One score per line, in the order of {@code lines}. */
    public List<LineScore> score(List<String> lines) {
        return score(lines, Hooks.none());
    }

    /** The same with {@code hooks} applied to every forward (e.g. an edit of the model). */
    public List<LineScore> score(List<String> lines, Hooks hooks) {
        int[][] ids = tokenizer.encodeBatch(lines);
        int[] order = IntStream.range(0, ids.length).filter(i -> ids[i].length > 0).boxed()
                .sorted(Comparator.comparingInt(i -> ids[i].length)).mapToInt(Integer::intValue).toArray();
        List<TokenPredictor.Query> queries = new ArrayList<>();
        for (int i : order) {
            int[] line = new int[ids[i].length + 1];
            line[0] = startToken;
            System.arraycopy(ids[i], 0, line, 1, ids[i].length);
            for (int k = 1; k < line.length; k++) {
                queries.add(TokenPredictor.Query.token(line, k));
            }
        }
        double[] lp = predictor.logProbs(queries, hooks);
        LineScore[] out = new LineScore[ids.length];
        Arrays.fill(out, new LineScore(0, 0));
        int q = 0;
        for (int i : order) {
            double nll = 0;
            for (int k = 0; k < ids[i].length; k++) {
                nll -= lp[q++];
            }
            out[i] = new LineScore(ids[i].length, nll);
        }
        return List.of(out);
    }
}
