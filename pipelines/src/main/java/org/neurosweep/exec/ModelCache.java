package org.neurosweep.exec;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The executor JVM's loaded models, keyed by folder, within a byte budget.
 *
 * <p>A model is loaded once however many task threads ask for it at the same time (the others wait for that load).
 * Before a load, models that no unit holds are evicted in least-recently-used order until the new model's
 * estimated size fits; a model larger than the budget still loads (alone). Models in use are never evicted, so the
 * budget can be exceeded while several are in use at once. Failed loads are not cached: the next unit retries.
 *
 * @param <M> the loaded model
 */
public final class ModelCache<M> {

    /** Loads and sizes models. */
    public interface Loader<M> {

        /** The bytes the model will take once loaded, estimated without loading it (e.g. from file sizes). */
        long estimateBytes(String key) throws Exception;

        M load(String key) throws Exception;

        /** The bytes the loaded model takes. */
        long bytes(M model);

        /** Frees the model's memory; called once it has been evicted and no unit holds it. */
        void close(M model);
    }

    private final long budget;
    private final Loader<M> loader;
    private final Map<String, Entry<M>> entries = new LinkedHashMap<>(16, 0.75f, true); // guarded by this
    private final AtomicLong loads = new AtomicLong();

    public ModelCache(long budgetBytes, Loader<M> loader) {
        this.budget = budgetBytes;
        this.loader = loader;
    }

    /**
     * The model under {@code key}, loading it if needed; the caller must {@link Lease#close()} it when done.
     *
     * @throws Exception what the loader threw (missing folder, unsupported architecture, ...)
     */
    public Lease<M> acquire(String key) throws Exception {
        Entry<M> entry;
        boolean loadHere;
        synchronized (this) {
            entry = entries.get(key);
            loadHere = entry == null;
            if (loadHere) {
                entry = new Entry<>(key);
                entries.put(key, entry);
            }
            entry.leases++;
        }
        if (loadHere) {
            return load(entry);
        }
        try {
            return new Lease<>(this, entry, entry.future.get(), false, 0);
        } catch (ExecutionException e) {
            release(entry);
            throw rethrow(e.getCause());
        }
    }

    /** How many models this cache has loaded (each load counted once, evictions and reloads included). */
    public long loads() {
        return loads.get();
    }

    /** Bytes of the loaded models. */
    public synchronized long loadedBytes() {
        return entries.values().stream().filter(e -> e.future.isDone() && !e.future.isCompletedExceptionally())
                .mapToLong(e -> e.bytes).sum();
    }

    /** The keys of the loaded models, least recently used first. */
    public synchronized List<String> keys() {
        return new ArrayList<>(entries.keySet());
    }

    private Lease<M> load(Entry<M> entry) throws Exception {
        long start = System.nanoTime();
        try {
            makeRoom(entry, loader.estimateBytes(entry.key));
            M model = loader.load(entry.key);
            long bytes = loader.bytes(model);
            synchronized (this) {
                entry.bytes = bytes;
            }
            loads.incrementAndGet();
            entry.future.complete(model);
            return new Lease<>(this, entry, model, true, (System.nanoTime() - start) / 1_000_000);
        } catch (Exception | Error e) {
            synchronized (this) {
                entries.remove(entry.key, entry);
            }
            entry.future.completeExceptionally(e);
            release(entry);
            throw e;
        }
    }

    /** Evicts unused models, least recently used first, until {@code incoming} more bytes fit the budget. */
    private void makeRoom(Entry<M> incoming, long incomingBytes) {
        List<Entry<M>> evicted = new ArrayList<>();
        synchronized (this) {
            long used = 0;
            for (Entry<M> e : entries.values()) {
                used += e.bytes;
            }
            Iterator<Entry<M>> it = entries.values().iterator();
            while (used + incomingBytes > budget && it.hasNext()) {
                Entry<M> e = it.next();
                if (e != incoming && e.leases == 0 && e.future.isDone()) {
                    it.remove();
                    used -= e.bytes;
                    evicted.add(e);
                }
            }
        }
        for (Entry<M> e : evicted) {
            loader.close(e.future.join());
        }
    }

    private synchronized void release(Entry<M> entry) {
        entry.leases--;
    }

    private static Exception rethrow(Throwable cause) {
        if (cause instanceof Error error) {
            throw error;
        }
        return (Exception) cause;
    }

    private static final class Entry<M> {
        final String key;
        final CompletableFuture<M> future = new CompletableFuture<>();
        int leases;   // guarded by the cache
        long bytes;   // guarded by the cache; 0 until loaded

        Entry(String key) {
            this.key = key;
        }
    }

    /** A model in use by one unit. */
    public static final class Lease<M> implements AutoCloseable {
        private final ModelCache<M> cache;
        private final Entry<M> entry;
        private final M model;
        private final boolean loaded;
        private final long loadMillis;
        private boolean closed;

        private Lease(ModelCache<M> cache, Entry<M> entry, M model, boolean loaded, long loadMillis) {
            this.cache = cache;
            this.entry = entry;
            this.model = model;
            this.loaded = loaded;
            this.loadMillis = loadMillis;
        }

        public M model() {
            return model;
        }

        /** Whether this acquisition loaded the model (false: it was already in the cache). */
        public boolean loaded() {
            return loaded;
        }

        /** Time spent loading (0 when cached). */
        public long loadMillis() {
            return loadMillis;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                cache.release(entry);
            }
        }
    }
}
