package org.neurosweep.sweep;

import org.apache.hadoop.conf.Configuration;

import java.util.Map;

/** The Spark master, application name and any further Spark settings ({@code neurosweep.spark.conf}). */
public record SparkSettings(String master, String appName, Map<String, String> conf) {

    private static final String HADOOP_PREFIX = "spark.hadoop.";

    public SparkSettings {
        conf = Map.copyOf(conf);
    }

    /**
     * The Hadoop configuration the sweep's Spark session will have, built before Spark starts: Hadoop's defaults plus
     * every {@code spark.hadoop.KEY = VALUE} of {@link #conf} as {@code KEY = VALUE}, as Spark itself does. Planning
     * and {@code plan} read models and datasets with it, so file system settings (credentials, HDFS name services,
     * custom schemes) given only in the sweep config apply there as on executors.
     */
    public Configuration hadoopConfiguration() {
        Configuration hadoop = new Configuration();
        conf.forEach((key, value) -> {
            if (key.startsWith(HADOOP_PREFIX)) {
                hadoop.set(key.substring(HADOOP_PREFIX.length()), value);
            }
        });
        return hadoop;
    }
}
