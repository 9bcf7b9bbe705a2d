package org.neurosweep.exec;

import java.io.Serializable;

/** What the driver learns about one unit attempt (the full record is the manifest row). */
public record UnitOutcome(String unitId, String description, UnitStatus status, String error, long rows,
                          boolean modelLoaded) implements Serializable {
}
