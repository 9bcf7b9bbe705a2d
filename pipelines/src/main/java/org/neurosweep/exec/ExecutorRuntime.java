package org.neurosweep.exec;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.neurosweep.job.Kernel;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.sweep.ExecutorSettings;
import org.neurosweep.sweep.NativeSettings;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What an executor JVM keeps across tasks: the model cache, local copies of remote files, the device binder and
 * one kernel per job (and round). Created by the first task with the sweep's settings; a task with different
 * settings or another Hadoop configuration (another sweep in the same JVM, as in tests) replaces it.
 */
public final class ExecutorRuntime {

    private static ExecutorRuntime current;

    private final ExecutorSettings settings;
    private final NativeSettings nativeLibs;
    private final ModelCache<LoadedModel> models;
    private final LocalCopies copies;
    private final Configuration hadoop;
    private final String hadoopFingerprint;
    private final DeviceBinder devices = new DeviceBinder();
    private final Map<String, CachedKernel> kernels = new HashMap<>();   // guarded by this

    private ExecutorRuntime(ExecutorSettings settings, NativeSettings nativeLibs, HadoopConf hadoopConf) {
        this.settings = settings;
        this.nativeLibs = nativeLibs;
        this.hadoop = hadoopConf.get();
        this.hadoopFingerprint = hadoopConf.fingerprint();
        this.copies = new LocalCopies(Path.of(settings.scratchDir()), hadoop);
        int threads = nativeLibs.threads() > 0 ? nativeLibs.threads()
                : TaskContext.get() != null ? TaskContext.get().cpus() : 1;
        this.models = new ModelCache<>(settings.modelCacheBytes(),
                new ModelLoading(hadoop, copies, () -> NativeThreads.configure(threads)));
    }

    /** This JVM's runtime for {@code settings}. */
    public static synchronized ExecutorRuntime get(ExecutorSettings settings, NativeSettings nativeLibs,
                                                   HadoopConf hadoop) {
        if (current == null || !current.settings.equals(settings) || !current.nativeLibs.equals(nativeLibs)
                || !current.hadoopFingerprint.equals(hadoop.fingerprint())) {
            current = new ExecutorRuntime(settings, nativeLibs, hadoop);
        }
        return current;
    }

    public ModelCache<LoadedModel> models() {
        return models;
    }

    public LocalCopies copies() {
        return copies;
    }

    /** The sweep's Hadoop configuration (its {@code spark.hadoop.*} settings), for every read of models and data. */
    public Configuration hadoop() {
        return hadoop;
    }

    public DeviceBinder devices() {
        return devices;
    }

    public ExecutorSettings settings() {
        return settings;
    }

    /**
     * The kernel of {@code job}: made once and reused while tasks bring an equal factory (factories are
     * deserialized per task, so value equality, as records have, is what lets one kernel serve the executor); a
     * different factory (the next round of a rounds job, another sweep) replaces it.
     */
    public synchronized Kernel kernel(String job, KernelFactory factory) {
        CachedKernel cached = kernels.get(job);
        if (cached == null || !cached.factory().equals(factory)) {
            cached = new CachedKernel(factory, factory.create());
            kernels.put(job, cached);
        }
        return cached.kernel();
    }

    private record CachedKernel(KernelFactory factory, Kernel kernel) {
    }
}
