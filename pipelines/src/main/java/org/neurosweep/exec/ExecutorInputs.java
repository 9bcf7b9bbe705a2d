package org.neurosweep.exec;

import org.neurosweep.job.ModelHandle;
import org.neurosweep.job.ModelRef;
import org.neurosweep.job.UnitInputs;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.model.CausalLM;
import org.neurosweep.model.ModelConfig;
import org.neurosweep.model.ModelLoader;
import org.neurosweep.text.Tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link UnitInputs} of one unit attempt on an executor: models leased from the executor's cache on first use,
 * the dataset through {@link LocalCopies}. Records what the attempt loaded and which micro-batch it chose (for the
 * manifest) and releases its leases when the attempt ends.
 */
final class ExecutorInputs implements UnitInputs, AutoCloseable {

    private final WorkUnit unit;
    private final ExecutorRuntime runtime;
    private final long microBatchMemory;
    private final Device device;
    private final List<ModelCache.Lease<LoadedModel>> leases = new ArrayList<>();
    private boolean loaded;
    private long loadMillis;
    private int microBatch;

    /** @param microBatchMemory the executor's micro-batch budget, already divided by the job's activation factor */
    ExecutorInputs(WorkUnit unit, ExecutorRuntime runtime, long microBatchMemory, Device device) {
        this.unit = unit;
        this.runtime = runtime;
        this.microBatchMemory = microBatchMemory;
        this.device = device;
    }

    @Override
    public ModelHandle model() {
        ModelRef ref = unit.primaryModel();
        if (ref == null) {
            throw new IllegalStateException("unit " + unit.id() + " (" + unit.describe() + ") has no model");
        }
        return new Handle(ref);
    }

    @Override
    public ModelHandle model(String role) {
        ModelRef ref = unit.models().get(role);
        if (ref == null) {
            throw new IllegalArgumentException("unit " + unit.id() + " has no model in role '" + role + "' (roles: "
                    + unit.models().keySet() + ")");
        }
        return new Handle(ref);
    }

    @Override
    public Path dataset() {
        if (unit.dataset() == null) {
            throw new IllegalStateException("unit " + unit.id() + " (" + unit.describe() + ") has no dataset");
        }
        try {
            return runtime.copies().local(unit.dataset().uri());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset " + unit.dataset().name() + " at " + unit.dataset().uri(), e);
        }
    }

    @Override
    public java.io.InputStream open(String uri) throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
        return path.getFileSystem(runtime.hadoop()).open(path);
    }

    @Override
    public int microBatch(long bytesPerExample) {
        if (bytesPerExample <= 0) {
            throw new IllegalArgumentException("bytes per example must be positive, got " + bytesPerExample);
        }
        microBatch = (int) Math.max(1, Math.min(runtime.settings().maxMicroBatch(), microBatchMemory / bytesPerExample));
        return microBatch;
    }

    @Override
    public String device() {
        return device.name();
    }

    /** Whether this attempt loaded a model (rather than finding it cached). */
    boolean loadedModel() {
        return loaded;
    }

    long loadMillis() {
        return loadMillis;
    }

    /** The micro-batch the kernel last asked for, 0 when it asked for none. */
    int chosenMicroBatch() {
        return microBatch;
    }

    /** Releases every model this attempt leased. */
    @Override
    public void close() {
        leases.forEach(ModelCache.Lease::close);
        leases.clear();
    }

    private LoadedModel lease(ModelRef ref) {
        ModelCache.Lease<LoadedModel> lease;
        try {
            lease = runtime.models().acquire(ref.cacheKey());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ModelLoadException(ref + ": " + e.getMessage(), e);
        }
        leases.add(lease);
        loaded |= lease.loaded();
        loadMillis += lease.loadMillis();
        return lease.model();
    }

    /** A model of the unit; weights are leased on the first call that needs them. */
    private final class Handle implements ModelHandle {
        private final ModelRef ref;
        private LoadedModel model;
        private ModelConfig config;

        Handle(ModelRef ref) {
            this.ref = ref;
        }

        @Override
        public ModelRef ref() {
            return ref;
        }

        @Override
        public ModelConfig config() {
            if (config == null) {
                config = model != null ? model.model().config() : ModelLoader.readConfig(ref.uri(), runtime.hadoop());
            }
            return config;
        }

        @Override
        public CausalLM model() {
            return loaded().model();
        }

        @Override
        public Tokenizer tokenizer() {
            return loaded().tokenizer();
        }

        private LoadedModel loaded() {
            if (model == null) {
                model = lease(ref);
            }
            return model;
        }
    }
}
