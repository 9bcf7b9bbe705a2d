package org.neurosweep.exec;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * Binds the task thread to the GPU that Spark's resource scheduler assigned to the task
 * ({@code spark.task.resource.gpu.amount}, {@link TaskContext#resourcesJMap()}). With the CUDA backend the thread is
 * attached to that device through ND4J's affinity manager; with the CPU backend the address is only recorded, so
 * GPU scheduling can be tested on machines without GPUs (fake addresses from a discovery script).
 */
public final class DeviceBinder {

    /** The resource name Spark's GPU settings use. */
    public static final String GPU = "gpu";

    private static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

    private final boolean cudaBackend;

    public DeviceBinder() {
        this(isOnClasspath(CUDA_BACKEND));
    }

    DeviceBinder(boolean cudaBackend) {
        this.cudaBackend = cudaBackend;
    }

    /** Binds the current thread for the task {@code ctx} (null outside a task: the driver) and says to what. */
    public Device bind(TaskContext ctx) {
        if (ctx == null) {
            return Device.CPU;
        }
        return bind(ctx.resourcesJMap());
    }

    Device bind(Map<String, ResourceInformation> resources) {
        ResourceInformation gpu = resources.get(GPU);
        if (gpu == null || gpu.addresses().length == 0) {
            return Device.CPU;
        }
        String address = gpu.addresses()[0];
        if (!cudaBackend) {
            return new Device(GPU + ":" + address, false);
        }
        Nd4j.getAffinityManager().unsafeSetDevice(Integer.parseInt(address));
        return new Device(GPU + ":" + address, true);
    }

    private static boolean isOnClasspath(String className) {
        try {
            Class.forName(className, false, DeviceBinder.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
