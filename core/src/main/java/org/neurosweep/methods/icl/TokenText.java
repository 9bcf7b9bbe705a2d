package org.neurosweep.methods.icl;

import org.neurosweep.text.Tokenizer;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The string of single tokens (special tokens kept), cached: the internal-CoT accuracy is first-token <em>string</em>
 * equality (docs/methods/internal-cot.md §3), so two ids that decode alike count as the same answer.
 */
public final class TokenText {
    private final Tokenizer tokenizer;
    private final ConcurrentHashMap<Integer, String> cache = new ConcurrentHashMap<>();

    public TokenText(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The decoded text of {@code id}. */
    public String of(int id) {
        return cache.computeIfAbsent(id, k -> tokenizer.decode(new int[] {k}, false));
    }

    /** Whether {@code predicted} decodes to the same string as {@code target}; false when {@code target < 0}. */
    public boolean matches(int predicted, int target) {
        return target >= 0 && (predicted == target || of(predicted).equals(of(target)));
    }
}
