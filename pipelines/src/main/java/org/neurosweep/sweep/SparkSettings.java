package org.neurosweep.sweep;

import java.util.Map;

/** The Spark master, application name and any further Spark settings ({@code neurosweep.spark.conf}). */
public record SparkSettings(String master, String appName, Map<String, String> conf) {

    public SparkSettings {
        conf = Map.copyOf(conf);
    }
}
