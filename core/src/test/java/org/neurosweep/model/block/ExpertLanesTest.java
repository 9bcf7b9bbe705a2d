package org.neurosweep.model.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** ExpertLanes' contract: every task once, BLAS single-threaded during the run and restored after it, failures rethrown. */
class ExpertLanesTest {

    @Test
    void runsEveryTaskOnceAcrossLanesWithSingleThreadedBlas() {
        int before = Nd4j.factory().blas().getMaxThreads();
        AtomicIntegerArray runs = new AtomicIntegerArray(37);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Set<Integer> blasThreadsSeen = ConcurrentHashMap.newKeySet();
        ExpertLanes.run(3, runs.length(), i -> {
            runs.incrementAndGet(i);
            threads.add(Thread.currentThread().getName());
            blasThreadsSeen.add(Nd4j.factory().blas().getMaxThreads());
            busy();
        });
        for (int i = 0; i < runs.length(); i++) {
            assertEquals(1, runs.get(i), "task " + i);
        }
        assertTrue(threads.contains(Thread.currentThread().getName()), "lane 0 runs in the caller: " + threads);
        assertTrue(threads.size() > 1, "more than one lane ran tasks: " + threads);
        assertEquals(Set.of(1), blasThreadsSeen, "BLAS is single-threaded while the lanes run");
        assertEquals(before, Nd4j.factory().blas().getMaxThreads(), "BLAS threads restored");
    }

    @Test
    void oneLaneRunsInTheCallerInOrder() {
        StringBuilder order = new StringBuilder();
        String caller = Thread.currentThread().getName();
        ExpertLanes.run(1, 5, i -> {
            assertEquals(caller, Thread.currentThread().getName());
            order.append(i);
        });
        assertEquals("01234", order.toString());
    }

    @Test
    void aFailingTaskIsRethrownAndBlasRestored() {
        int before = Nd4j.factory().blas().getMaxThreads();
        IllegalStateException boom = new IllegalStateException("expert 5 failed");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> ExpertLanes.run(2, 12, i -> {
            busy();
            if (i == 5) {
                throw boom;
            }
        }));
        assertSame(boom, thrown);
        assertEquals(before, Nd4j.factory().blas().getMaxThreads(), "BLAS threads restored after a failure");
    }

    // enough work that the other lanes take tasks before the caller's lane has run them all
    private static void busy() {
        Nd4j.rand(64, 64).mmul(Nd4j.rand(64, 64));
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
