package org.neurosweep.sweep;

/**
 * A job's planner refused its entry of the sweep config (a parameter naming input that is missing, a bad
 * combination): a user error. The message is the planner's; {@link #line()} prefixes the entry's file and line.
 */
public final class PlanningException extends IllegalArgumentException {

    private final String origin;

    PlanningException(String origin, IllegalArgumentException cause) {
        super(cause.getMessage(), cause);
        this.origin = origin;
    }

    /** The one line a user sees: "file:line: " and the planner's message. */
    public String line() {
        return origin + ": " + getMessage();
    }
}
