package org.neurosweep.model.block;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;
import org.neurosweep.autograd.Workspaces;

/**
 * Runs the routed experts of one MoE layer at inference side by side: as many lanes as BLAS has threads, each lane
 * taking whole experts in turn, with BLAS single-threaded meanwhile. An expert sees ~k/E of the tokens (128 of 1024
 * for top-2 of 16), and OpenBLAS splitting such a small GEMM across the cores runs it at about 3/4 of a large GEMM's
 * rate; one expert per core avoids the split (docs/BENCHMARKS.md). CPU backend only: elsewhere, and with one BLAS
 * thread, the experts run one after another in the caller's thread.
 *
 * <p>Contract: {@code task.accept(i)} runs exactly once for every i in 0..tasks-1, lane 0 in the calling thread (in
 * its workspace), the others in pooled daemon threads, each inside a workspace of its own; tasks must only write
 * disjoint memory. BLAS's thread count is set to 1 while any lanes run and restored when the last run ends. The first
 * failure is rethrown after every lane has stopped.
 */
final class ExpertLanes {
    private static final boolean CPU = "CpuBackend".equals(Nd4j.getBackend().getClass().getSimpleName());
    private static final String WORKSPACE = "neurosweep.expert-lane";
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "neurosweep-expert-lane-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private static final Object BLAS_LOCK = new Object();
    private static int running;
    private static int savedBlasThreads;

    private ExpertLanes() {
    }

    /** How many lanes a layer may use now: BLAS's thread count on the CPU backend, else 1. */
    static int available() {
        return CPU ? Math.max(1, blas().getMaxThreads()) : 1;
    }

    /** Runs tasks 0..tasks-1 on at most {@code lanes} lanes, taking them in index order; returns when all are done. */
    static void run(int lanes, int tasks, IntConsumer task) {
        int used = Math.min(lanes, tasks);
        if (used <= 1) {
            for (int i = 0; i < tasks; i++) {
                task.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable lane = () -> {
            for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
                task.accept(i);
            }
        };
        singleThreadedBlas(true);
        try {
            List<Future<?>> others = new ArrayList<>();
            for (int l = 1; l < used; l++) {
                others.add(POOL.submit(() -> {
                    try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager()
                            .getAndActivateWorkspace(Workspaces.SCRATCH, WORKSPACE)) {
                        lane.run();
                    }
                }));
            }
            Throwable failure = null;
            try {
                lane.run();
            } catch (RuntimeException | Error e) {
                failure = e;
                next.set(tasks);                                  // the other lanes stop after their current task
            }
            for (Future<?> f : others) {
                failure = join(f, failure);
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException("an expert lane failed", failure);
            }
        } finally {
            singleThreadedBlas(false);
        }
    }

    // waits for a lane; keeps the first failure
    private static Throwable join(Future<?> lane, Throwable failure) {
        boolean interrupted = false;
        while (true) {
            try {
                lane.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;                               // the lane still writes into our arrays: wait it out
            } catch (ExecutionException e) {
                failure = failure != null ? failure : e.getCause();
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failure;
    }

    // the first run to start sets BLAS to one thread, the last one to end restores the count it found
    private static void singleThreadedBlas(boolean enter) {
        synchronized (BLAS_LOCK) {
            if (enter) {
                if (running++ == 0) {
                    savedBlasThreads = blas().getMaxThreads();
                    blas().setMaxThreads(1);
                }
            } else if (--running == 0) {
                blas().setMaxThreads(savedBlasThreads);
            }
        }
    }

    private static Blas blas() {
        return Nd4j.factory().blas();
    }
}
