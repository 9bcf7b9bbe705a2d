package org.neurosweep.methods.neurons;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.neurosweep.data.PrivateRecord;
import org.neurosweep.methods.attribution.RiemannGrid;
import org.neurosweep.text.TokenizedText;
import org.neurosweep.text.Tokenizer;

/**
 * The DEPN privacy-neuron detector (Wu et al. 2023; docs/methods/privacy-neurons.md): for a private record, each
 * private token y_i (a token overlapping the secret) at position t_i is predicted — by a causal LM teacher-forced from
 * the tokens before it (answer position t_i − 1), by a masked LM from the whole record with y_i alone replaced by the
 * mask token (answer position t_i, DEPN's BERT setting) — and its knowledge-neuron attribution
 * ({@link NeuronAttribution}, target p(y_i) at the answer position) is computed per layer; the record's privacy
 * attribution is the neuron-wise sum over its private tokens. The candidate privacy neurons are those with a summed
 * score ≥ {@code fraction} · max.
 */
public final class PrivacyAttribution {

    /**
     * The record tokenized as one text, and where its secret lies.
     *
     * @param ids  token ids of context + secret, no special tokens
     * @param from first private token (≥ 1: the first token has nothing to be predicted from)
     * @param to   one past the last private token
     */
    public record PrivateTokens(PrivateRecord record, int[] ids, int from, int to) {

        /** How many tokens the secret spans. */
        public int count() {
            return to - from;
        }

        /** Whether each character of the secret is a token of its own (e.g. one token per digit). */
        public boolean oneTokenPerCharacter() {
            return count() == record.secret().length();
        }

        public static PrivateTokens of(PrivateRecord r, Tokenizer tokenizer) {
            TokenizedText t = tokenizer.encodeWithOffsets(r.text());
            int[] span = t.tokenSpan(r.context().length(), r.text().length());
            if (span[0] == span[1]) {
                throw new IllegalArgumentException("private record " + r.id() + ": the secret encodes to no token");
            }
            if (span[0] == 0) {
                throw new IllegalArgumentException("private record " + r.id()
                        + ": the secret starts the text, so its first token has no context to be predicted from");
            }
            return new PrivateTokens(r, t.ids(), span[0], span[1]);
        }
    }

    /**
     * @param tokens     the record's private tokens
     * @param perToken   each private token's attribution, in order
     * @param summed     the sum over the private tokens
     * @param candidates the neurons with summed score ≥ fraction · max, best first (none when max ≤ 0)
     */
    public record RecordAttribution(PrivateTokens tokens, List<NeuronAttribution.PromptAttribution> perToken,
                                    NeuronScores summed, List<NeuronId> candidates) {

        /** p(Y | X) = Π p(y_i | prefix) under teacher forcing (a masked LM: Π p(y_i | the record with y_i masked)). */
        public double leakageProbability() {
            return perToken.stream().mapToDouble(NeuronAttribution.PromptAttribution::pFull).reduce(1, (a, b) -> a * b);
        }
    }

    private final NeuronAttribution kn;
    private final OptionalInt mask;

    /** @param mask a masked LM's mask token ({@link org.neurosweep.text.Tokenizer#answerMask}); empty for a causal LM */
    public PrivacyAttribution(NeuronAttribution kn, OptionalInt mask) {
        this.kn = kn;
        this.mask = mask;
    }

    public RecordAttribution attribute(PrivateTokens tokens, int[] layers, int steps, RiemannGrid grid, double fraction) {
        List<NeuronAttribution.PromptAttribution> perToken = new ArrayList<>();
        NeuronScores summed = NeuronScores.empty();
        for (int i = tokens.from(); i < tokens.to(); i++) {
            int[] input = mask.isEmpty() ? Arrays.copyOf(tokens.ids(), i) : tokens.ids().clone();
            int answer = i - 1;
            if (mask.isPresent()) {
                input[i] = mask.getAsInt();
                answer = i;
            }
            NeuronAttribution.PromptAttribution a = kn.attribute(input, answer, tokens.ids()[i], layers, steps, grid);
            perToken.add(a);
            summed = summed.plus(NeuronScores.of(a));
        }
        return new RecordAttribution(tokens, perToken, summed, summed.atLeastFractionOfMax(fraction));
    }
}
