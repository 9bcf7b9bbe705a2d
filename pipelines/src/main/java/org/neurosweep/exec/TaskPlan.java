package org.neurosweep.exec;

import org.apache.spark.broadcast.Broadcast;
import org.neurosweep.sweep.ExecutorSettings;
import org.neurosweep.sweep.NativeSettings;
import org.neurosweep.table.RunLease;
import org.neurosweep.table.TableLayout;

import java.io.Serializable;
import java.util.Map;

/** Everything a task needs besides its units; serialized once per stage into the Spark closure. {@code fence}: the
 * invocation's lease, checked before each commit. */
record TaskPlan(TableLayout layout, RunLease.Fence fence, ExecutorSettings executor, NativeSettings nativeLibs,
                int runAttempt, Map<String, JobKernels> jobs, SweepMetrics metrics, Broadcast<HadoopConf> hadoop)
        implements Serializable {

    TaskPlan {
        jobs = Map.copyOf(jobs);
    }
}
