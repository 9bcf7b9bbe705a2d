package org.neurosweep.sweep;

import java.util.List;

/** A sweep config that cannot run: every problem found, each naming its file, line and key. */
public class SweepConfigException extends RuntimeException {

    private final List<String> problems;

    public SweepConfigException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0)
                : problems.size() + " problems in the sweep config:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public SweepConfigException(String problem) {
        this(List.of(problem));
    }

    /** Each problem as "file:line: key: what is wrong". */
    public List<String> problems() {
        return problems;
    }
}
