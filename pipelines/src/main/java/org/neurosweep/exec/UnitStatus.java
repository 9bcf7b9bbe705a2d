package org.neurosweep.exec;

import java.util.Locale;

/** The outcome of one attempt of a unit, as the manifest's {@code status} column spells it. */
public enum UnitStatus {
    /** The attempt's outputs are the unit's committed outputs. */
    COMMITTED,
    /** The attempt failed; its outputs were dropped and the reason recorded. */
    FAILED,
    /** Another attempt committed the unit first; this attempt's outputs were dropped. */
    SUPERSEDED,
    /** The unit was already committed when the attempt started (a retried task); nothing was run or recorded. */
    SKIPPED;

    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }
}
