package org.neurosweep.bench;

import java.util.Arrays;

/** Wall-clock seconds of repeated runs of an action after warm-up runs: the best and the median. */
record Timing(double best, double median) {

    static Timing of(int warmups, int runs, Runnable action) {
        for (int i = 0; i < warmups; i++) {
            action.run();
        }
        double[] seconds = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            action.run();
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return new Timing(seconds[0], seconds[runs / 2]);
    }
}
