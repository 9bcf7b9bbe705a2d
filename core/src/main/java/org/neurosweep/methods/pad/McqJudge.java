package org.neurosweep.methods.pad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.neurosweep.model.Batch;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.Forward;
import org.neurosweep.model.LogitsAt;
import org.neurosweep.text.Tokenizer;

/**
 * The teacher as a pairwise judge (PAD's MCQ calibration): for responses i &lt; j of a query it reads a prompt that
 * shows the query, response i as candidate {@code A)} and response j as {@code B)} (each cut to
 * {@code maxCandidateTokens} tokens, {@code ...} appended when cut) and asks for the identifier of the better one.
 * From the teacher's next-token distribution: p_A = 1e-8 + Σ p(v) over the {@value #TOP_K} most likely tokens v whose
 * text contains {@code A} and is shorter than 3 characters; p_B alike. Prompts longer than the model's positions keep
 * their last tokens. Thread-safe when the model is.
 */
public final class McqJudge {

    /** Tokens of the judge's answer distribution that are looked at. */
    public static final int TOP_K = 20;

    /**
     * The project's wording of the judging prompt ({query}, {a}, {b} are replaced); the reference uses its own
     * template file, which a parity run passes as {@code template}.
     */
    public static final String DEFAULT_TEMPLATE = "Judge two candidate answers to the query below. Pick the one that is"
            + " best in relevance, accuracy, completeness, coherence and clarity. Answer with its identifier only, A or B,"
            + " or None if neither qualifies.\nQuery: {query}\nA) {a}\nB) {b}\nBest candidate:";

    /** One comparison: the probabilities that the judge names A (response i) and B (response j). */
    public record Verdict(int i, int j, double pA, double pB) {
        /** 1 − p_A − p_B, clipped at 0. */
        public double pOther() {
            return Math.max(0, 1 - pA - pB);
        }
    }

    private final CausalLM teacher;
    private final Tokenizer tokenizer;
    private final String template;
    private final int maxCandidateTokens;
    private final int microBatch;
    private final int padId;
    private final boolean[] isA;
    private final boolean[] isB;

    public McqJudge(CausalLM teacher, Tokenizer tokenizer, String template, int maxCandidateTokens, int microBatch) {
        for (String slot : List.of("{query}", "{a}", "{b}")) {
            if (!template.contains(slot)) {
                throw new IllegalArgumentException("MCQ template lacks the slot " + slot + ": " + template);
            }
        }
        this.teacher = teacher;
        this.tokenizer = tokenizer;
        this.template = template;
        this.maxCandidateTokens = maxCandidateTokens;
        this.microBatch = microBatch;
        Integer pad = teacher.config().padTokenId();
        this.padId = pad == null ? 0 : pad;
        int vocab = teacher.config().vocabSize();
        this.isA = new boolean[vocab];
        this.isB = new boolean[vocab];
        for (int v = 0; v < vocab; v++) {
            String text = tokenizer.decode(new int[] {v});
            isA[v] = text.length() < 3 && text.contains("A");
            isB[v] = text.length() < 3 && text.contains("B");
        }
    }

    /** The verdicts of all pairs (i, j), i &lt; j, of {@code responses}, in {@link McqCalibration#pairs} order. */
    public List<Verdict> judge(String query, List<String> responses) {
        int[][] pairs = McqCalibration.pairs(responses.size());
        List<int[]> prompts = new ArrayList<>();
        for (int[] pair : pairs) {
            String text = template.replace("{query}", query).replace("{a}", cut(responses.get(pair[0])))
                    .replace("{b}", cut(responses.get(pair[1])));
            int[] ids = tokenizer.encode(text);
            int limit = teacher.config().maxPositions();
            prompts.add(limit > 0 && ids.length > limit ? Arrays.copyOfRange(ids, ids.length - limit, ids.length) : ids);
        }
        List<Verdict> out = new ArrayList<>();
        for (int from = 0; from < prompts.size(); from += microBatch) {
            List<int[]> chunk = prompts.subList(from, Math.min(prompts.size(), from + microBatch));
            try (Forward f = teacher.forward(Batch.leftPadded(chunk, padId).logitsAt(LogitsAt.last()))) {
                INDArray logits = f.logits().value();
                for (int r = 0; r < chunk.size(); r++) {
                    double[] p = verdict(logits.get(org.nd4j.linalg.indexing.NDArrayIndex.point(r),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(0)).toDoubleVector());
                    int[] pair = pairs[from + r];
                    out.add(new Verdict(pair[0], pair[1], p[0], p[1]));
                }
            }
        }
        return out;
    }

    /** {p_A, p_B} from one row of next-token logits. */
    double[] verdict(double[] logits) {
        double max = Arrays.stream(logits).max().orElseThrow();
        double z = 0;
        for (double l : logits) {
            z += Math.exp(l - max);
        }
        Integer[] order = new Integer[logits.length];
        for (int v = 0; v < order.length; v++) {
            order[v] = v;
        }
        Arrays.sort(order, (x, y) -> Double.compare(logits[y], logits[x]));
        double pA = McqCalibration.FLOOR;
        double pB = McqCalibration.FLOOR;
        for (int k = 0; k < Math.min(TOP_K, order.length); k++) {
            int v = order[k];
            double p = Math.exp(logits[v] - max) / z;
            pA += isA[v] ? p : 0;
            pB += isB[v] ? p : 0;
        }
        return new double[] {pA, pB};
    }

    private String cut(String response) {
        int[] ids = tokenizer.encode(response);
        return ids.length <= maxCandidateTokens ? response
                : tokenizer.decode(Arrays.copyOf(ids, maxCandidateTokens)) + "...";
    }
}
