package org.neurosweep.model.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Activations;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;

/**
 * Scores continuations. A causal LM by teacher forcing: for every continuation token, the log-softmax of the logits
 * at the token before it. A masked LM ({@link org.neurosweep.model.ModelConfig#causal()} false, e.g. BERT) by mask
 * filling: the continuation's tokens are replaced by the mask token and each is read at its own position, given the
 * prompt and the other masks (the [MASK] positions are the answer positions; the score is the sum of the masks'
 * independent log-probabilities, as multi-token mLAMA probing of BERT-style models scores). Items run in
 * micro-batches of prompt + continuation, padded on the chosen side; the unembedding is computed only over the span
 * of sequence indices that predict some row's continuation. Thread-safe when the model is.
 */
public final class ContinuationScorer {

    /** Where the shorter sequences of a micro-batch are padded. Both give the same scores. */
    public enum Padding { LEFT, RIGHT }

    private final CausalLM model;
    private final int microBatch;
    private final Padding padding;
    private static final int NO_MASK = -1;

    private final int padId;
    private final int maskId;

    /** For a causal LM; a masked LM is refused (it needs its mask token: the other constructor). */
    public ContinuationScorer(CausalLM model, int microBatch, Padding padding) {
        this(model, microBatch, padding, NO_MASK);
    }

    /** For a causal or a masked LM; {@code maskId} is the mask token of a masked LM (ignored for a causal one). */
    public ContinuationScorer(CausalLM model, int microBatch, Padding padding, int maskId) {
        if (microBatch < 1) {
            throw new IllegalArgumentException("micro-batch must be >= 1, got " + microBatch);
        }
        this.model = model;
        this.microBatch = microBatch;
        this.padding = padding;
        Integer pad = model.config().padTokenId();
        this.padId = pad == null ? 0 : pad;    // padding is masked out, any valid id will do
        this.maskId = maskId;
        if (!model.config().causal()) {
            if (maskId == NO_MASK) {
                throw new IllegalArgumentException(model.config().modelType() + " is a masked LM: scoring continuations "
                        + "by teacher forcing needs a causal model (mask-filling scoring needs the tokenizer's mask token)");
            }
            TokenIds.check(new int[] {maskId}, model.config().vocabSize(), "mask token");
        }
    }

    public List<ContinuationScore> score(List<Continuation> items) {
        return score(items, Hooks.none());
    }

    /** One score per item, in order; {@code hooks} apply to every forward (sequence indices of the padded batch). */
    public List<ContinuationScore> score(List<Continuation> items, Hooks hooks) {
        int vocab = model.config().vocabSize();
        for (int i = 0; i < items.size(); i++) {
            TokenIds.check(items.get(i).prompt(), vocab, "item " + i + " prompt");
            TokenIds.check(items.get(i).continuation(), vocab, "item " + i + " continuation");
        }
        List<ContinuationScore> scores = new ArrayList<>(items.size());
        for (int from = 0; from < items.size(); from += microBatch) {
            scores.addAll(scoreBatch(items.subList(from, Math.min(from + microBatch, items.size())), hooks));
        }
        return scores;
    }

    private List<ContinuationScore> scoreBatch(List<Continuation> items, Hooks hooks) {
        boolean masked = !model.config().causal();
        // the logits predicting continuation token i sit at its own index (masked LM) or the one before (causal)
        int shift = masked ? 0 : 1;
        List<int[]> sequences = items.stream().map(c -> masked ? c.masked(maskId) : c.sequence()).toList();
        Batch padded = padding == Padding.LEFT ? Batch.leftPadded(sequences, padId) : Batch.rightPadded(sequences, padId);
        int b = items.size();
        // sequence index of each row's first continuation token; logits at index − shift predict it
        int[] first = new int[b];
        for (int r = 0; r < b; r++) {
            int start = padding == Padding.LEFT ? padded.length() - sequences.get(r).length : 0;
            first[r] = start + items.get(r).promptLength();
        }
        int lo = IntStream.range(0, b).map(r -> first[r] - shift).min().orElseThrow();
        int hi = IntStream.range(0, b).map(r -> first[r] + items.get(r).length() - 1 - shift).max().orElseThrow();
        Batch batch = padded.logitsAt(LogitsAt.positions(IntStream.rangeClosed(lo, hi).toArray()));

        List<ContinuationScore> scores = new ArrayList<>(b);
        try (Forward forward = model.forward(batch, hooks, null)) {
            Var logits = forward.logits();                                           // (b, n, V)
            long n = logits.size(1);
            long vocab = logits.size(2);
            INDArray logProbs = Activations.logSoftmax(Var.constant(logits.value().reshape('c', b * n, vocab)))
                    .value().reshape('c', b, n, vocab);
            INDArray argmax = logProbs.argMax(2);                                   // (b, n)
            for (int r = 0; r < b; r++) {
                Continuation item = items.get(r);
                float[] lp = new float[item.length()];
                boolean greedy = true;
                for (int i = 0; i < lp.length; i++) {
                    int column = first[r] + i - shift - lo;
                    lp[i] = logProbs.getFloat(r, column, item.token(i));
                    greedy &= argmax.getLong(r, column) == item.token(i);
                }
                scores.add(new ContinuationScore(lp, greedy));
            }
        }
        return scores;
    }
}
