package org.neurosweep.methods.icl;

/** The answers of a composite prompt that the internal-CoT methods score (docs/methods/internal-cot.md §3). */
public enum Target {
    /** The composite answer y_t = s2(s1(x)). */
    YT("yt"),
    /** The intermediate answer s1(x). */
    T1("t1"),
    /** s2 applied without s1. */
    T2("t2");

    private final String label;

    Target(String label) {
        this.label = label;
    }

    /** The spelling in table columns and rows ({@code yt}, {@code t1}, {@code t2}). */
    public String label() {
        return label;
    }
}
