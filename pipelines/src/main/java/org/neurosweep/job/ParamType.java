package org.neurosweep.job;

/** Types of job parameters; the sweep config is checked against them at start-up. */
public enum ParamType {
    INT, LONG, DOUBLE, BOOLEAN, STRING, INT_LIST, DOUBLE_LIST, STRING_LIST;

    /** Whether a value of this type is itself a list (so a list of lists in the config is a grid axis). */
    public boolean isList() {
        return this == INT_LIST || this == DOUBLE_LIST || this == STRING_LIST;
    }

    /** How the type reads in messages. */
    public String description() {
        return switch (this) {
            case INT -> "an integer";
            case LONG -> "a long integer";
            case DOUBLE -> "a number";
            case BOOLEAN -> "true or false";
            case STRING -> "a string";
            case INT_LIST -> "a list of integers";
            case DOUBLE_LIST -> "a list of numbers";
            case STRING_LIST -> "a list of strings";
        };
    }
}
