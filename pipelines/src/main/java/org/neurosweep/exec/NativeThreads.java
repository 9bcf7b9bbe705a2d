package org.neurosweep.exec;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Sets ND4J's thread counts (its own pool and BLAS) once per JVM, before the first model load, so that concurrent
 * tasks do not oversubscribe the cores (landscape C.3). Executors also get {@code OMP_NUM_THREADS} through
 * {@code spark.executorEnv}; this covers the driver JVM in local mode, where the environment is already fixed.
 */
final class NativeThreads {

    private static int configured;

    private NativeThreads() {
    }

    static synchronized void configure(int threads) {
        if (configured == threads) {
            return;
        }
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        configured = threads;
    }
}
