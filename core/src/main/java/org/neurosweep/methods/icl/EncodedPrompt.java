package org.neurosweep.methods.icl;

import org.neurosweep.text.Tokenizer;

import java.util.EnumMap;
import java.util.Map;

/**
 * An {@link IclPrompt} tokenized for one model: the few-shot and zero-shot token ids, the demonstration span
 * {@code [demoStart, demoEnd)} and the first token of each target answer.
 *
 * <p>Span (docs/methods/internal-cot.md §4): {@code demoStart} is the number of special tokens the tokenizer prepends
 * (1 for a BOS, else 0) and {@code demoEnd = demoStart + len(icl) − len(zeroShot)}: every token before the query block,
 * separators included. Targets are the first token of {@code " " + answer}, encoded without special tokens
 * (docs/methods/internal-cot.md §3); a target the example lacks is {@link #NO_TOKEN}.
 */
public record EncodedPrompt(IclPrompt prompt, int[] icl, int[] zeroShot, int demoStart, int demoEnd,
                            Map<Target, Integer> targets) {

    /** The target id of an absent answer. */
    public static final int NO_TOKEN = -1;

    public EncodedPrompt {
        targets = Map.copyOf(targets);
    }

    /**
     * Encodes {@code prompt}; {@code addSpecialTokens} applies the tokenizer's own template (a Llama BOS, say), as
     * Hugging Face's default {@code tokenizer(text)} does.
     */
    public static EncodedPrompt encode(Tokenizer tokenizer, IclPrompt prompt, boolean addSpecialTokens) {
        String iclText = prompt.icl();
        int[] icl = tokenizer.encode(iclText, addSpecialTokens);
        int[] zero = tokenizer.encode(prompt.zeroShot(), addSpecialTokens);
        int start = addSpecialTokens ? icl.length - tokenizer.encode(iclText, false).length : 0;
        int end = start + icl.length - zero.length;
        Map<Target, Integer> targets = new EnumMap<>(Target.class);
        for (Target t : Target.values()) {
            String answer = prompt.query().target(t);
            targets.put(t, answer == null ? NO_TOKEN : firstAnswerToken(tokenizer, answer));
        }
        return new EncodedPrompt(prompt, icl, zero, start, end, targets);
    }

    /** The first token of {@code " " + answer}, no special tokens. */
    public static int firstAnswerToken(Tokenizer tokenizer, String answer) {
        int[] ids = tokenizer.encode(" " + answer, false);
        if (ids.length == 0) {
            throw new IllegalArgumentException("answer \"" + answer + "\" encodes to no token");
        }
        return ids[0];
    }

    /** The target ids in {@link Target} order (the rows {@link NextTokenScorer#score} ranks). */
    public int[] targetIds() {
        int[] ids = new int[Target.values().length];
        for (Target t : Target.values()) {
            ids[t.ordinal()] = targets.get(t);
        }
        return ids;
    }

    /** The first token of target {@code t}, or {@link #NO_TOKEN}. */
    public int target(Target t) {
        return targets.get(t);
    }
}
