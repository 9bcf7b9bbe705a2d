package org.neurosweep.exec;

import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.ModelRef;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.ModelLoader;
import org.neurosweep.text.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@link ModelHandle} of one unit attempt: leases models from the executor's cache on first use, records what
 * the attempt loaded and which micro-batch it chose, and releases its leases when the attempt ends.
 */
final class UnitHandle implements ModelHandle, AutoCloseable {

    /** What the attempt did with models, for the manifest. Shared by the handles of all roles of a unit. */
    static final class Usage {
        boolean loaded;
        long loadMillis;
        int microBatch;
        final List<ModelCache.Lease<LoadedModel>> leases = new ArrayList<>();
    }

    private final WorkUnit unit;
    private final ModelRef ref;
    private final ModelCache<LoadedModel> cache;
    private final long microBatchMemory;
    private final int maxMicroBatch;
    private final Device device;
    private final Usage usage;
    private LoadedModel loaded;
    private ModelConfig config;

    /**
     * @param microBatchMemory the executor's micro-batch budget, already divided by the job's activation factor
     */
    UnitHandle(WorkUnit unit, ModelRef ref, ModelCache<LoadedModel> cache, long microBatchMemory, int maxMicroBatch,
               Device device, Usage usage) {
        this.unit = unit;
        this.ref = ref;
        this.cache = cache;
        this.microBatchMemory = microBatchMemory;
        this.maxMicroBatch = maxMicroBatch;
        this.device = device;
        this.usage = usage;
    }

    @Override
    public ModelRef ref() {
        return requireModel();
    }

    @Override
    public ModelConfig config() {
        if (config == null) {
            config = loaded != null ? loaded.model().config() : ModelLoader.readConfig(requireModel().uri());
        }
        return config;
    }

    @Override
    public CausalLM model() {
        return load().model();
    }

    @Override
    public Tokenizer tokenizer() {
        return load().tokenizer();
    }

    @Override
    public ModelHandle role(String role) {
        ModelRef other = unit.models().get(role);
        if (other == null) {
            throw new IllegalArgumentException("unit " + unit.id() + " has no model in role '" + role + "' (roles: "
                    + unit.models().keySet() + ")");
        }
        return new UnitHandle(unit, other, cache, microBatchMemory, maxMicroBatch, device, usage);
    }

    @Override
    public int microBatch(long bytesPerExample) {
        if (bytesPerExample <= 0) {
            throw new IllegalArgumentException("bytes per example must be positive, got " + bytesPerExample);
        }
        int size = (int) Math.max(1, Math.min(maxMicroBatch, microBatchMemory / bytesPerExample));
        usage.microBatch = size;
        return size;
    }

    @Override
    public String device() {
        return device.name();
    }

    /** Releases every model this unit leased (all roles). */
    @Override
    public void close() {
        usage.leases.forEach(ModelCache.Lease::close);
        usage.leases.clear();
    }

    private LoadedModel load() {
        if (loaded == null) {
            ModelCache.Lease<LoadedModel> lease;
            try {
                lease = cache.acquire(requireModel().cacheKey());
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new ModelLoadException(ref + ": " + e.getMessage(), e);
            }
            usage.leases.add(lease);
            usage.loaded |= lease.loaded();
            usage.loadMillis += lease.loadMillis();
            loaded = lease.model();
        }
        return loaded;
    }

    private ModelRef requireModel() {
        if (ref == null) {
            throw new IllegalStateException("unit " + unit.id() + " (" + unit.describe() + ") has no model");
        }
        return ref;
    }
}
