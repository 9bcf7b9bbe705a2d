package org.neurosweep.jobs;

import java.util.ArrayList;
import java.util.List;
import org.neurosweep.job.Column;

/** Small helpers the jobs share for declaring and filling their tables. */
public final class JobTables {

    private JobTables() {
    }

    /** The columns of {@code first}, then those of {@code then}, as a new list. */
    public static List<Column> concat(List<Column> first, List<Column> then) {
        List<Column> all = new ArrayList<>(first);
        all.addAll(then);
        return all;
    }

    /** {@code v} as a cell of an optional double column: null for NaN (undefined). */
    public static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
