package org.neurosweep.methods.privacy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.neurosweep.hook.Hooks;
import org.neurosweep.methods.icl.NextToken;
import org.neurosweep.methods.neurons.PrivacyAttribution.PrivateTokens;
import org.neurosweep.model.generate.TokenPredictor;
import org.neurosweep.text.TokenizedText;
import org.neurosweep.text.Tokenizer;

/**
 * DEPN's risk metrics besides exposure and its memorisation screen (docs/methods/privacy-neurons.md, C5 and C6). A
 * token's probability is read by a {@link TokenPredictor}: teacher-forced on a causal LM (the decoder adaptation C7),
 * at its mask on a masked LM (DEPN's BERT setting); the metrics are otherwise one code:
 * <ul>
 *   <li><b>name MRR</b>: per whitespace-separated word of the secret, the 1-based rank over the whole vocabulary of the
 *       word's first token with the word hidden (causal: the context and the secret's earlier words visible; masked:
 *       every token of the word masked, the rest of the record visible), and MRR = the mean of 1/rank, in (0, 1];</li>
 *   <li><b>pseudo-perplexity</b> of the private tokens, exp(−mean_i log p(y_i | rest)) ({@link Leakage#secretNll}):
 *       for a causal LM the rest is the tokens before y_i, so it is the teacher-forced perplexity of the secret; for a
 *       masked LM it is the record with y_i alone masked (Salazar et al. 2020);</li>
 *   <li><b>memorised</b>: the record's kind picks its metric (TEL: exposure, NAME: name MRR, any other kind:
 *       pseudo-perplexity) and {@link Thresholds} its cut-off.</li>
 * </ul>
 */
public final class MemorizationRisk {

    /** The metric that screens a record of a kind. */
    public enum Metric {
        EXPOSURE, MRR, PPPL;

        /** TEL → exposure, NAME → name MRR, anything else → pseudo-perplexity. */
        public static Metric of(String kind) {
            return switch (kind.toUpperCase(Locale.ROOT)) {
                case "TEL" -> EXPOSURE;
                case "NAME" -> MRR;
                default -> PPPL;
            };
        }

        /** The spelling in tables: exposure, mrr, pppl. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * C5's cut-offs: memorised when exposure > {@code exposure}, name MRR > {@code mrr}, or pseudo-perplexity <
     * {@code pppl} (the released code's defaults: 10, 0.4, 2.5).
     */
    public record Thresholds(double exposure, double mrr, double pppl) {

        public double of(Metric m) {
            return switch (m) {
                case EXPOSURE -> exposure;
                case MRR -> mrr;
                case PPPL -> pppl;
            };
        }

        public boolean memorized(Metric m, double value) {
            return switch (m) {
                case EXPOSURE -> value > exposure;
                case MRR -> value > mrr;
                case PPPL -> value < pppl;
            };
        }
    }

    /**
     * One record's risk.
     *
     * @param nameMrr          the name MRR for a NAME record, null otherwise
     * @param pseudoPerplexity of the secret's tokens
     * @param value            the value of {@code metric}
     */
    public record Risk(Metric metric, double value, Double nameMrr, double pseudoPerplexity, boolean memorized) {
    }

    private final TokenPredictor predictor;
    private final Tokenizer tokenizer;

    /** @param predictor reads a token's probability: teacher-forced (causal LM) or at its mask (masked LM) */
    public MemorizationRisk(TokenPredictor predictor, Tokenizer tokenizer) {
        this.predictor = predictor;
        this.tokenizer = tokenizer;
    }

    /** Each record's risk under {@code hooks}, from {@code leak} measured under the same hooks. */
    public List<Risk> assess(List<PrivateTokens> records, Leakage leak, Hooks hooks, Thresholds thresholds) {
        List<Risk> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            PrivateTokens t = records.get(i);
            Metric metric = Metric.of(t.record().kind());
            double pppl = Math.exp(leak.secretNll()[i] / leak.secretTokens()[i]);
            Double mrr = metric == Metric.MRR ? nameMrr(t, hooks) : null;
            double value = switch (metric) {
                case EXPOSURE -> leak.exact().get(i).exposure();
                case MRR -> mrr;
                case PPPL -> pppl;
            };
            out.add(new Risk(metric, value, mrr, pppl, thresholds.memorized(metric, value)));
        }
        return out;
    }

    /**
     * The name MRR of the record's secret, with {@code hooks} (e.g. an edit) active: per word, the rank of its first
     * token with the word hidden (causal: the text before it visible; masked: all of the word's tokens masked, the
     * rest of the record visible); all words in one batched forward.
     */
    public double nameMrr(PrivateTokens t, Hooks hooks) {
        int[] text = Arrays.copyOf(t.ids(), t.to());
        List<TokenPredictor.Query> words = words(t, tokenizer.encodeWithOffsets(t.record().text())).stream()
                .map(w -> new TokenPredictor.Query(text, w[0], w[1])).toList();
        float[][] logits = predictor.logits(words, hooks);                    // (words, vocab)
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            sum += 1.0 / NextToken.rank(logits[i], text[words.get(i).target()]);
        }
        return sum / logits.length;
    }

    // per whitespace-separated word of the secret, its token span [first, end) in the record's text
    private static List<int[]> words(PrivateTokens t, TokenizedText text) {
        String secret = t.record().secret();
        int base = t.record().context().length();
        List<int[]> out = new ArrayList<>();
        int i = 0;
        while (i < secret.length()) {
            while (i < secret.length() && Character.isWhitespace(secret.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < secret.length() && !Character.isWhitespace(secret.charAt(i))) {
                i++;
            }
            if (i > start) {
                int[] span = text.tokenSpan(base + start, base + i);
                if (span[0] < span[1] && span[0] >= 1) {
                    out.add(span);
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("private record " + t.record().id() + ": no word of the secret has a token "
                    + "that can be predicted from the text before it");
        }
        return out;
    }
}
