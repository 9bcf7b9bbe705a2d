package org.neurosweep.model.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.autograd.Activations;
import org.neurosweep.autograd.Var;
import org.neurosweep.hook.Hooks;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.text.Tokenizer;

/**
 * The distribution a model gives a token of a sequence with the token hidden — the one place where a causal and a
 * masked LM differ for the likelihood-based metrics (secret log-probabilities, exposure, name MRR, perplexity):
 * <ul>
 *   <li>causal LM: the logits at {@code target − 1} of the sequence (teacher forcing: the tokens before the target are
 *       visible, the causal mask hides the rest);</li>
 *   <li>masked LM (BERT): the logits at {@code target} of the sequence with the span {@code [target, end)} replaced by
 *       the mask token, everything else visible (one mask per token with {@code end = target + 1}: Salazar et al.
 *       2020's pseudo-log-likelihood scoring).</li>
 * </ul>
 * Queries whose model input is the same (a causal LM's tokens of one text) share one row of the forward; the rows run
 * right-padded in micro-batches with the unembedding computed only at the rows' read positions
 * ({@link LogitsAt#perRow}). Thread-safe when the model is.
 */
public final class TokenPredictor {

    /**
     * Predict {@code ids[target]} with {@code [target, end)} hidden ({@code 1 ≤ target < end ≤ ids.length} for a causal
     * LM, {@code 0 ≤ target} for a masked one).
     */
    public record Query(int[] ids, int target, int end) {

        public Query {
            if (target < 0 || end <= target || end > ids.length) {
                throw new IllegalArgumentException("hidden span [" + target + ", " + end + ") outside a sequence of "
                        + ids.length + " tokens");
            }
        }

        /** The single token {@code ids[i]}, hidden alone. */
        public static Query token(int[] ids, int i) {
            return new Query(ids, i, i + 1);
        }

        int targetId() {
            return ids[target];
        }
    }

    /** Reads query {@code index}'s answer from {@code values} (b, width, V) at row {@code row}, column {@code column}. */
    @FunctionalInterface
    private interface Reader {
        void read(int index, INDArray values, int row, int column);
    }

    private final CausalLM model;
    private final OptionalInt mask;
    private final int microBatch;
    private final int padId;

    /**
     * @param mask       the mask token for a masked LM; empty for a causal one
     * @param microBatch rows per forward
     */
    public TokenPredictor(CausalLM model, OptionalInt mask, int microBatch) {
        if (microBatch < 1) {
            throw new IllegalArgumentException("micro-batch must be >= 1, got " + microBatch);
        }
        if (model.config().causal() == mask.isPresent()) {
            throw new IllegalArgumentException(model.config().modelType() + (mask.isPresent()
                    ? " is a causal LM: it predicts a token without a mask token"
                    : " is a masked LM: predicting a hidden token needs the tokenizer's mask token"));
        }
        mask.ifPresent(m -> TokenIds.check(new int[] {m}, model.config().vocabSize(), "mask token"));
        this.model = model;
        this.mask = mask;
        this.microBatch = microBatch;
        Integer pad = model.config().padTokenId();
        this.padId = pad == null ? 0 : pad;    // padding is masked out, any valid id will do
    }

    /** The predictor for {@code model}, a masked LM reading the tokenizer's mask token ({@link Tokenizer#answerMask}). */
    public static TokenPredictor of(CausalLM model, Tokenizer tokenizer, int microBatch) {
        return new TokenPredictor(model, tokenizer.answerMask(model.config().causal(), model.config().modelType()), microBatch);
    }

    public boolean masked() {
        return mask.isPresent();
    }

    /** Per query, log p(ids[target] | the visible tokens), in nats. */
    public double[] logProbs(List<Query> queries, Hooks hooks) {
        double[] out = new double[queries.size()];
        run(queries, hooks, true, (i, logProbs, r, j) -> out[i] = logProbs.getDouble(r, j, queries.get(i).targetId()));
        return out;
    }

    /** Per query, the logits over the vocabulary (V floats each: for few queries). */
    public float[][] logits(List<Query> queries, Hooks hooks) {
        float[][] out = new float[queries.size()][];
        run(queries, hooks, false, (i, logits, r, j) -> out[i] = logits.slice(r).getRow(j).toFloatVector());
        return out;
    }

    // normalize: the reader gets log-softmax values instead of logits
    private void run(List<Query> queries, Hooks hooks, boolean normalize, Reader reader) {
        // one row per distinct model input, with the read positions and the queries they answer
        Map<Input, Row> rows = new LinkedHashMap<>();
        for (int q = 0; q < queries.size(); q++) {
            Query query = queries.get(q);
            TokenIds.check(query.ids(), model.config().vocabSize(), "query " + q);
            int[] input = query.ids();
            int position = query.target() - 1;
            if (mask.isPresent()) {
                input = query.ids().clone();
                Arrays.fill(input, query.target(), query.end(), mask.getAsInt());
                position = query.target();
            } else if (query.target() == 0) {
                throw new IllegalArgumentException("query " + q + ": a causal LM cannot predict the first token of a sequence");
            }
            Row row = rows.computeIfAbsent(new Input(input), k -> new Row(k.ids(), new ArrayList<>(), new ArrayList<>()));
            row.positions().add(position);
            row.queries().add(q);
        }
        List<Row> all = new ArrayList<>(rows.values());
        for (int from = 0; from < all.size(); from += microBatch) {
            forward(all.subList(from, Math.min(from + microBatch, all.size())), hooks, normalize, reader);
        }
    }

    private void forward(List<Row> rows, Hooks hooks, boolean normalize, Reader reader) {
        int width = rows.stream().mapToInt(r -> r.positions().size()).max().orElseThrow();
        int[][] at = new int[rows.size()][width];
        for (int r = 0; r < rows.size(); r++) {
            List<Integer> p = rows.get(r).positions();
            for (int j = 0; j < width; j++) {
                at[r][j] = p.get(Math.min(j, p.size() - 1));     // a shorter row repeats its last position
            }
        }
        Batch batch = Batch.rightPadded(rows.stream().map(Row::input).toList(), padId).logitsAt(LogitsAt.perRow(at));
        try (Forward f = model.forward(batch, hooks, null)) {
            INDArray values = f.logits().value().castTo(DataType.FLOAT);          // (b, width, V)
            if (normalize) {
                long b = values.size(0);
                long vocab = values.size(2);
                values = Activations.logSoftmax(Var.constant(values.reshape('c', b * width, vocab))).value()
                        .reshape('c', b, width, vocab);
            }
            for (int r = 0; r < rows.size(); r++) {
                List<Integer> queries = rows.get(r).queries();
                for (int j = 0; j < queries.size(); j++) {
                    reader.read(queries.get(j), values, r, j);
                }
            }
        }
    }

    // a model input as a map key (content equality)
    private record Input(int[] ids) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Input other && Arrays.equals(ids, other.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }
    }

    private record Row(int[] input, List<Integer> positions, List<Integer> queries) {
    }
}
