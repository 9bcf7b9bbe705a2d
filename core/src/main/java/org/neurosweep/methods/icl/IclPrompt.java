package org.neurosweep.methods.icl;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An in-context prompt in the format of docs/methods/internal-cot.md §3: each demonstration is rendered
 * {@code Q: {x}\nA: {y}}, blocks are joined by a blank line, and the query block {@code Q: {x}\nA:} ends the prompt with
 * no trailing space. The zero-shot prompt is the query block alone.
 *
 * @param promptId index of the prompt within its sampled set (stable for a given pool, count and seed)
 */
public record IclPrompt(int promptId, List<IclExample> demos, IclExample query) {

    /** Separator between blocks. */
    public static final String SEPARATOR = "\n\n";

    public IclPrompt {
        demos = List.copyOf(demos);
    }

    /** {@code Q: x\nA: y}. */
    public static String demoBlock(IclExample e) {
        return "Q: " + e.input() + "\nA: " + e.output();
    }

    /** {@code Q: x\nA:}. */
    public static String queryBlock(IclExample e) {
        return "Q: " + e.input() + "\nA:";
    }

    /** The few-shot prompt: demonstrations, then the query block. */
    public String icl() {
        if (demos.isEmpty()) {
            return zeroShot();
        }
        return demos.stream().map(IclPrompt::demoBlock).collect(Collectors.joining(SEPARATOR)) + SEPARATOR + zeroShot();
    }

    /** The query block alone. */
    public String zeroShot() {
        return queryBlock(query);
    }
}
