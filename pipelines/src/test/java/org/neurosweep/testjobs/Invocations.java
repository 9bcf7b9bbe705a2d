package org.neurosweep.testjobs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** How often test kernels ran each unit in this JVM (local mode: executors share the test's JVM). */
public final class Invocations {

    private static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();

    private Invocations() {
    }

    static void record(String unitId) {
        COUNTS.computeIfAbsent(unitId, k -> new AtomicInteger()).incrementAndGet();
    }

    public static int of(String unitId) {
        AtomicInteger n = COUNTS.get(unitId);
        return n == null ? 0 : n.get();
    }
}
