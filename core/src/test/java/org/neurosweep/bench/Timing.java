package org.neurosweep.bench;

import java.util.Arrays;
import java.util.function.LongSupplier;

/** Wall-clock seconds of repeated runs of an action after warm-up runs: the best and the median. */
record Timing(double best, double median) {

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * Like {@link #interleaved}, but in CPU seconds of the calling thread. With OpenMP and OpenBLAS at one thread all
     * the native work runs in the caller, so this is the work of an action, barely touched by the load of a shared
     * machine (other processes take wall time, not this thread's CPU time).
     */
    static Timing[] interleavedCpu(int warmups, int runs, Runnable... actions) {
        return interleaved(warmups, runs, THREADS::getCurrentThreadCpuTime, actions);
    }

    static Timing of(int warmups, int runs, Runnable action) {
        return interleaved(warmups, runs, action)[0];
    }

    /**
     * The timings of several actions run in turn (a, b, a, b, ...), so that a slow spell of a shared machine
     * disturbs all of them alike and their ratio less.
     */
    static Timing[] interleaved(int warmups, int runs, Runnable... actions) {
        return interleaved(warmups, runs, System::nanoTime, actions);
    }

    // the actions in turn, each run timed by the difference of nanosecond readings of clock
    private static Timing[] interleaved(int warmups, int runs, LongSupplier clock, Runnable... actions) {
        for (int i = 0; i < warmups; i++) {
            for (Runnable action : actions) {
                action.run();
            }
        }
        double[][] seconds = new double[actions.length][runs];
        for (int i = 0; i < runs; i++) {
            for (int a = 0; a < actions.length; a++) {
                long start = clock.getAsLong();
                actions[a].run();
                seconds[a][i] = (clock.getAsLong() - start) / 1e9;
            }
        }
        return summarize(seconds);
    }

    private static Timing[] summarize(double[][] seconds) {
        int runs = seconds[0].length;
        Timing[] out = new Timing[seconds.length];
        for (int a = 0; a < seconds.length; a++) {
            Arrays.sort(seconds[a]);
            out[a] = new Timing(seconds[a][0], seconds[a][runs / 2]);
        }
        return out;
    }
}
