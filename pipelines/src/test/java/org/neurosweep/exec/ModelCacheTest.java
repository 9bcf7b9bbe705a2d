package org.neurosweep.exec;

import org.junit.jupiter.api.Test;

import java.io.FileNotFoundException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCacheTest {

    /** Models are their keys; every model is 40 bytes unless listed. */
    private static final class FakeLoader implements ModelCache.Loader<String> {
        final Map<String, Long> sizes = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
        final List<String> closed = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger failuresLeft = new AtomicInteger();
        volatile long loadMillis;

        @Override
        public long estimateBytes(String key) {
            return sizes.getOrDefault(key, 40L);
        }

        @Override
        public String load(String key) throws Exception {
            Thread.sleep(loadMillis);
            if (failuresLeft.getAndDecrement() > 0) {
                throw new FileNotFoundException("checkpoint folder not found: " + key);
            }
            loads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            return key;
        }

        @Override
        public long bytes(String model) {
            return sizes.getOrDefault(model, 40L);
        }

        @Override
        public void close(String model) {
            closed.add(model);
        }
    }

    @Test
    void threadsAskingAtOnceShareOneLoad() throws Exception {
        FakeLoader loader = new FakeLoader();
        loader.loadMillis = 200;
        ModelCache<String> cache = new ModelCache<>(1000, loader);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> loadedHere = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            loadedHere.add(pool.submit(() -> {
                start.await();
                try (ModelCache.Lease<String> lease = cache.acquire("dense")) {
                    assertEquals("dense", lease.model());
                    return lease.loaded();
                }
            }));
        }
        start.countDown();
        int loaders = 0;
        for (Future<Boolean> f : loadedHere) {
            loaders += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(1, loaders, "exactly one acquisition loads");
        assertEquals(1, cache.loads());
        assertEquals(1, loader.loads.get("dense").get());
    }

    @Test
    void evictsTheLeastRecentlyUsedUnusedModelToFitTheBudget() throws Exception {
        FakeLoader loader = new FakeLoader();
        ModelCache<String> cache = new ModelCache<>(100, loader);
        cache.acquire("a").close();
        cache.acquire("b").close();
        cache.acquire("a").close();                      // a is now more recent than b
        assertEquals(80, cache.loadedBytes());
        cache.acquire("c").close();                      // 80 + 40 > 100: b goes
        assertEquals(List.of("b"), loader.closed);
        assertEquals(List.of("a", "c"), cache.keys());
        assertEquals(3, cache.loads());
        try (ModelCache.Lease<String> again = cache.acquire("b")) {
            assertTrue(again.loaded(), "an evicted model is loaded again");
        }
        assertEquals(4, cache.loads());
    }

    @Test
    void neverEvictsAModelInUse() throws Exception {
        FakeLoader loader = new FakeLoader();
        ModelCache<String> cache = new ModelCache<>(50, loader);
        try (ModelCache.Lease<String> a = cache.acquire("a"); ModelCache.Lease<String> b = cache.acquire("b")) {
            assertEquals(80, cache.loadedBytes(), "over budget while both are in use");
            assertTrue(loader.closed.isEmpty());
        }
        cache.acquire("c").close();
        assertEquals(List.of("a", "b"), loader.closed);
        assertEquals(List.of("c"), cache.keys());
    }

    @Test
    void aModelLargerThanTheBudgetStillLoads() throws Exception {
        FakeLoader loader = new FakeLoader();
        loader.sizes.put("huge", 500L);
        ModelCache<String> cache = new ModelCache<>(100, loader);
        cache.acquire("a").close();
        try (ModelCache.Lease<String> huge = cache.acquire("huge")) {
            assertEquals("huge", huge.model());
        }
        assertEquals(List.of("a"), loader.closed);
    }

    @Test
    void aFailedLoadIsReportedAndNotCached() throws Exception {
        FakeLoader loader = new FakeLoader();
        loader.failuresLeft.set(1);
        ModelCache<String> cache = new ModelCache<>(100, loader);
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> cache.acquire("gone"));
        assertTrue(e.getMessage().contains("checkpoint folder not found"));
        assertEquals(0, cache.loads());
        assertTrue(cache.keys().isEmpty());
        try (ModelCache.Lease<String> lease = cache.acquire("gone")) {
            assertTrue(lease.loaded());
        }
        assertEquals(1, cache.loads());
    }
}
