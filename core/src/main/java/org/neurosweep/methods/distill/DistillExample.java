package org.neurosweep.methods.distill;

import org.neurosweep.text.TokenizedText;
import org.neurosweep.text.Tokenizer;
import org.neurosweep.train.LmExample;

/**
 * One sequence of a distillation corpus: its tokens (a prompt that is only context, then the response whose
 * next-token positions are distilled) and the privacy likelihood ρ of every token ({@code rho.length ==
 * tokens.tokens().length}).
 */
public record DistillExample(String id, LmExample tokens, double[] rho) {

    public DistillExample {
        if (rho.length != tokens.tokens().length) {
            throw new IllegalArgumentException("example " + id + ": " + rho.length + " privacy likelihoods for "
                    + tokens.tokens().length + " tokens");
        }
    }

    /** {@code prompt} (context) followed by {@code response} and the end-of-text token, ρ from the tagger per part. */
    public static DistillExample of(String id, String prompt, String response, int endOfText, Tokenizer tokenizer,
                                    PrivacyTagger tagger) {
        TokenizedText p = tokenizer.encodeWithOffsets(prompt);
        TokenizedText r = tokenizer.encodeWithOffsets(response);
        int n = p.length() + r.length() + 1;
        int[] tokens = new int[n];
        double[] rho = new double[n];
        System.arraycopy(p.ids(), 0, tokens, 0, p.length());
        System.arraycopy(r.ids(), 0, tokens, p.length(), r.length());
        System.arraycopy(tagger.rho(p), 0, rho, 0, p.length());
        System.arraycopy(tagger.rho(r), 0, rho, p.length(), r.length());
        tokens[n - 1] = endOfText;
        return new DistillExample(id, new LmExample(tokens, p.length()), rho);
    }

    /** A document: the end-of-text token as its only context, then every token of {@code text} (its ρ from the tagger). */
    public static DistillExample document(String id, String text, int endOfText, Tokenizer tokenizer, PrivacyTagger tagger) {
        TokenizedText t = tokenizer.encodeWithOffsets(text);
        int[] tokens = new int[t.length() + 1];
        double[] rho = new double[t.length() + 1];
        tokens[0] = endOfText;
        System.arraycopy(t.ids(), 0, tokens, 1, t.length());
        System.arraycopy(tagger.rho(t), 0, rho, 1, t.length());
        return new DistillExample(id, new LmExample(tokens, 1), rho);
    }

    /** Whether some token is private under {@code settings}. */
    public boolean hasPrivateTokens(SwingSettings settings) {
        for (double r : rho) {
            if (settings.isPrivate(r)) {
                return true;
            }
        }
        return false;
    }
}
