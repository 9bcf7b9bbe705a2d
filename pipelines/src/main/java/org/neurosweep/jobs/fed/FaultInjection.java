package org.neurosweep.jobs.fed;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.neurosweep.job.Params;

/**
 * The {@code inject-executor-loss} parameter, for testing the engine's recovery on a cluster: {@code "R/CLIENT"} makes
 * the first attempt of client CLIENT in round R end its executor JVM after local training, before anything is
 * committed, so that Spark reruns the client elsewhere. Deterministic (no timing involved); refused outside a cluster
 * executor, where it would end the driver.
 */
final class FaultInjection {

    private FaultInjection() {
    }

    static void afterTraining(Params p, String client, int round) {
        String target = p.getString(FewFedWeightJob.INJECT_EXECUTOR_LOSS);
        if (target.isEmpty() || !target.equals(round + "/" + client)) {
            return;
        }
        TaskContext task = TaskContext.get();
        if (task == null || SparkEnv.get() == null || "driver".equals(SparkEnv.get().executorId())) {
            throw new IllegalStateException(FewFedWeightJob.INJECT_EXECUTOR_LOSS + " ends an executor JVM: it needs a "
                    + "cluster executor, not the driver");
        }
        if (task.attemptNumber() == 0) {
            Runtime.getRuntime().halt(137);
        }
    }
}
