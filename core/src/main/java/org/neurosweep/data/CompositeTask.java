package org.neurosweep.data;

/**
 * A composite internal-CoT task {@code t = s1 ∘ s2}: x ↦ s2(s1(x)), stored as {@code composite/s1-s2.json}
 * (task names use underscores, never hyphens).
 */
public record CompositeTask(String s1, String s2) {

    public CompositeTask {
        if (s1.isEmpty() || s2.isEmpty() || s1.contains("-") || s2.contains("-")) {
            throw new IllegalArgumentException("subtask names must be non-empty and free of '-': '" + s1 + "', '" + s2 + "'");
        }
    }

    /** Parses {@code s1-s2} (a composite file name without {@code .json}). */
    public static CompositeTask parse(String name) {
        int dash = name.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("composite task name '" + name + "' is not of the form s1-s2");
        }
        return new CompositeTask(name.substring(0, dash), name.substring(dash + 1));
    }

    /** {@code s1-s2}. */
    public String name() {
        return s1 + "-" + s2;
    }
}
