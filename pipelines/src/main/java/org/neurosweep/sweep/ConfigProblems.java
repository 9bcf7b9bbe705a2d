package org.neurosweep.sweep;

import com.typesafe.config.ConfigOrigin;

import java.util.ArrayList;
import java.util.List;

/** Collects config problems so that start-up reports all of them at once, each as "file:line: key: message". */
final class ConfigProblems {

    private final List<String> problems = new ArrayList<>();

    void add(ConfigOrigin origin, String key, String message) {
        problems.add(where(origin) + ": " + key + ": " + message);
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new SweepConfigException(problems);
        }
    }

    /** "file:line", "resource:line" (reference.conf) or the origin's description (--set, system properties). */
    static String where(ConfigOrigin origin) {
        if (origin == null) {
            return "<unknown origin>";
        }
        String source = origin.filename() != null ? origin.filename() : origin.resource();
        if (source != null && origin.lineNumber() >= 0) {
            return source + ":" + origin.lineNumber();
        }
        return origin.description();
    }
}
