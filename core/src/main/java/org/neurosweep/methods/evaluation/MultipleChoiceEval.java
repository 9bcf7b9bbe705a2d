package org.neurosweep.methods.evaluation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.neurosweep.data.MultipleChoiceItem;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.generate.Continuation;
import org.neurosweep.model.generate.ContinuationScore;
import org.neurosweep.model.generate.ContinuationScorer;
import org.neurosweep.text.Tokenizer;

/**
 * Multiple-choice accuracy by log-likelihood (docs/methods/capability-dynamics.md §2): for a question x and choices
 * c_j, each choice is the continuation {@code " " + c_j} of the prompt x, score_j = Σ_t log p(c_j,t | x, c_j,<t); the
 * prediction is the argmax ({@code acc}), or the argmax of score_j / UTF-8 byte length of the continuation
 * ({@code acc_norm}); ties go to the first choice. Thread-safe.
 */
public final class MultipleChoiceEval {

    /** One item: per choice the summed log-probability and the continuation's byte length, and both predictions. */
    public record Outcome(MultipleChoiceItem item, double[] logProbSums, int[] choiceBytes, int predicted,
                          int predictedNorm) {

        public boolean correct() {
            return predicted == item.answer();
        }

        public boolean correctNorm() {
            return predictedNorm == item.answer();
        }
    }

    static final String SEPARATOR = " ";

    private final ContinuationScorer scorer;
    private final Tokenizer tokenizer;

    public MultipleChoiceEval(CausalLM model, Tokenizer tokenizer, int microBatch) {
        this.scorer = new ContinuationScorer(model, microBatch, ContinuationScorer.Padding.RIGHT);
        this.tokenizer = tokenizer;
    }

    public List<Outcome> run(List<MultipleChoiceItem> items) {
        List<String> questions = new ArrayList<>();
        List<String> choices = new ArrayList<>();
        for (MultipleChoiceItem item : items) {
            for (String c : item.choices()) {
                questions.add(item.question());
                choices.add(SEPARATOR + c);
            }
        }
        int[][] q = tokenizer.encodeBatch(questions);
        int[][] c = tokenizer.encodeBatch(choices);
        List<Continuation> continuations = new ArrayList<>(q.length);
        for (int i = 0; i < q.length; i++) {
            if (q[i].length == 0 || c[i].length == 0) {
                throw new IllegalArgumentException("multiple-choice question \"" + questions.get(i) + "\" or choice \""
                        + choices.get(i) + "\" has no tokens");
            }
            continuations.add(new Continuation(q[i], c[i]));
        }
        List<ContinuationScore> scores = scorer.score(continuations);
        List<Outcome> out = new ArrayList<>(items.size());
        int next = 0;
        for (MultipleChoiceItem item : items) {
            int n = item.choices().size();
            double[] sums = new double[n];
            int[] bytes = new int[n];
            for (int j = 0; j < n; j++, next++) {
                sums[j] = scores.get(next).sum();
                bytes[j] = choices.get(next).getBytes(StandardCharsets.UTF_8).length;
            }
            out.add(new Outcome(item, sums, bytes, argmax(sums, null), argmax(sums, bytes)));
        }
        return out;
    }

    // first index of the highest sums[j] (divided by bytes[j] when given)
    private static int argmax(double[] sums, int[] bytes) {
        int best = 0;
        for (int j = 1; j < sums.length; j++) {
            double s = bytes == null ? sums[j] : sums[j] / bytes[j];
            double top = bytes == null ? sums[best] : sums[best] / bytes[best];
            if (s > top) {
                best = j;
            }
        }
        return best;
    }
}
