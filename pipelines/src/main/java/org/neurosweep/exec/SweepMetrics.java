package org.neurosweep.exec;

import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

import java.io.Serializable;

/**
 * The sweep's counters as named Spark accumulators: they appear on the stage pages of the Spark UI, and the driver's
 * progress line reads them. Task accumulator updates reach the driver when a task ends, so with one unit per task
 * the counts move unit by unit.
 */
public final class SweepMetrics implements Serializable {

    final LongAccumulator committed;
    final LongAccumulator failed;
    final LongAccumulator superseded;
    final LongAccumulator rows;
    final LongAccumulator badRecords;
    final LongAccumulator modelLoads;
    final LongAccumulator modelLoadMillis;

    private SweepMetrics(SparkContext sc) {
        committed = sc.longAccumulator("neurosweep units committed");
        failed = sc.longAccumulator("neurosweep units failed");
        superseded = sc.longAccumulator("neurosweep attempts superseded");
        rows = sc.longAccumulator("neurosweep rows written");
        badRecords = sc.longAccumulator("neurosweep bad records");
        modelLoads = sc.longAccumulator("neurosweep model loads");
        modelLoadMillis = sc.longAccumulator("neurosweep model load ms");
    }

    public static SweepMetrics register(SparkContext sc) {
        return new SweepMetrics(sc);
    }

    void record(UnitStatus status, long rowCount, long bad, boolean loaded, long loadMillis) {
        switch (status) {
            case COMMITTED -> committed.add(1);
            case FAILED -> failed.add(1);
            case SUPERSEDED -> superseded.add(1);
            case SKIPPED -> {
                return;
            }
        }
        if (status == UnitStatus.COMMITTED) {
            rows.add(rowCount);
            badRecords.add(bad);
        }
        if (loaded) {
            modelLoads.add(1);
        }
        modelLoadMillis.add(loadMillis);
    }

    public long committed() {
        return committed.value();
    }

    public long failed() {
        return failed.value();
    }

    public long rows() {
        return rows.value();
    }

    public long badRecords() {
        return badRecords.value();
    }

    /** Model loads across all executors during this run. */
    public long modelLoads() {
        return modelLoads.value();
    }
}
