package org.neurosweep.methods.distill;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neurosweep.text.TokenizedText;

/**
 * The privacy likelihood ρ_t of every token of a text, from a regular expression of personal data (numbers,
 * e-mail addresses, ...): ρ = 1 on every token that overlaps a match, 0 elsewhere. The swing spec's built-in
 * tagger (a) without the NER part; a trained token classifier would give fractional ρ.
 */
public record PrivacyTagger(Pattern pattern) {

    /** Runs of three or more digits (phone numbers, IDs, the world corpus's canary secrets) and e-mail addresses. */
    public static final String DEFAULT_PATTERN = "\\d{3,}|[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+";

    /** A tagger that marks nothing (ρ ≡ 0): plain distillation and evaluation sequences. */
    public static PrivacyTagger none() {
        return new PrivacyTagger(Pattern.compile("(?!)"));
    }

    public static PrivacyTagger of(String regex) {
        try {
            return new PrivacyTagger(Pattern.compile(regex));
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException("privacy pattern '" + regex + "': " + e.getDescription(), e);
        }
    }

    /** ρ per token of {@code text} (its length), from the tokens' character offsets. */
    public double[] rho(TokenizedText text) {
        double[] rho = new double[text.length()];
        Matcher m = pattern.matcher(text.text());
        while (m.find()) {
            if (m.end() > m.start()) {
                int[] span = text.tokenSpan(m.start(), m.end());
                java.util.Arrays.fill(rho, span[0], span[1], 1.0);
            }
        }
        return rho;
    }
}
