package org.neurosweep.methods.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.Continuation;
import org.neurosweep.model.generate.ContinuationScore;
import org.neurosweep.model.generate.ContinuationScorer;
import org.neurosweep.text.Tokenizer;

/**
 * Perplexity of held-out text, line by line (data/README.md, {@code pretrain_text_ppl_first2000_lines}): each
 * line is scored after a leading document-start token (the end-of-text id the model was trained with between
 * documents), every token of the line counted; perplexity = exp(Σ NLL / Σ tokens) over all lines. Lines without
 * tokens add nothing. Lines are scored in micro-batches of similar length. Thread-safe.
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

    private final ContinuationScorer scorer;
    private final Tokenizer tokenizer;
    private final int startToken;

    public Perplexity(CausalLM model, Tokenizer tokenizer, int startToken, int microBatch) {
        this.scorer = new ContinuationScorer(model, microBatch, ContinuationScorer.Padding.RIGHT);
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
        List<Continuation> items = new ArrayList<>(order.length);
        for (int i : order) {
            items.add(new Continuation(new int[] {startToken}, ids[i]));
        }
        List<ContinuationScore> scores = scorer.score(items, hooks);
        LineScore[] out = new LineScore[ids.length];
        Arrays.fill(out, new LineScore(0, 0));
        for (int k = 0; k < order.length; k++) {
            out[order[k]] = new LineScore(ids[order[k]].length, -scores.get(k).sum());
        }
        return List.of(out);
    }
}
