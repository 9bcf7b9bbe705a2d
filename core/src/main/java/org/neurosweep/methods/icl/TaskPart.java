package org.neurosweep.methods.icl;

/** Which prompts of a composite task: the composite itself or one of its single-step parts. */
public enum TaskPart {
    COMPOSITE("composite"),
    S1("s1"),
    S2("s2");

    private final String label;

    TaskPart(String label) {
        this.label = label;
    }

    /** The spelling in tables and configs. */
    public String label() {
        return label;
    }
}
