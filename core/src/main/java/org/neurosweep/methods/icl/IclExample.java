package org.neurosweep.methods.icl;

/**
 * One record an in-context prompt is built from: {@code input} x and {@code output} y, plus, for a composite task
 * {@code t = s1 ∘ s2}, the intermediate answer {@code t1 = s1(x)} and {@code t2} (s2 applied without s1). Single-step
 * tasks have neither; a composite source may lack {@code t2} (the world corpus). Absent targets are null.
 */
public record IclExample(String input, String output, String t1, String t2) {

    public IclExample {
        if (input == null || output == null) {
            throw new IllegalArgumentException("an ICL example needs an input and an output");
        }
    }

    /** A single-step example: no intermediate targets. */
    public static IclExample single(String input, String output) {
        return new IclExample(input, output, null, null);
    }

    /** The answer that target {@code kind} scores: y_t, t1 or t2 (null when this example has none). */
    public String target(Target kind) {
        return switch (kind) {
            case YT -> output;
            case T1 -> t1;
            case T2 -> t2;
        };
    }
}
