package org.neurosweep.udfs;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of the udfs tests, built from configuration alone: {@code spark.sql.extensions} names
 * {@link NeuroSweepExtensions} and nothing registers the functions by hand, so every SQL test goes through the
 * extension. One per JVM (starting Spark costs seconds).
 */
final class ExtensionSession {

    private static SparkSession spark;

    private ExtensionSession() {
    }

    static synchronized SparkSession get() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[1]").appName("udfs-test")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "1")
                    .config("spark.sql.extensions", "org.neurosweep.udfs.NeuroSweepExtensions")
                    .getOrCreate();
        }
        return spark;
    }
}
