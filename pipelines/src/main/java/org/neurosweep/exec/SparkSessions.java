package org.neurosweep.exec;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.neurosweep.sweep.EngineSettings;
import org.neurosweep.sweep.NativeSettings;
import org.neurosweep.udfs.NeuroSweepExtensions;

/**
 * Builds the Spark session of a sweep from its settings. The master comes from {@code --master}, else from
 * spark-submit (which sets {@code spark.master}), else from {@code neurosweep.spark.master}. Executors get the JDK 17
 * module flags, javacpp's cache folder and off-heap ceilings, {@code OMP_NUM_THREADS} and the OpenMP/OpenBLAS wait
 * settings; settings given under {@code neurosweep.spark.conf} or on the command line are never overridden.
 */
public final class SparkSessions {

    static final String EXECUTOR_JAVA_OPTIONS = "spark.executor.extraJavaOptions";

    private SparkSessions() {
    }

    /** The session for {@code settings}; {@code master} (may be null) overrides the configured master. */
    public static SparkSession create(EngineSettings settings, String master) {
        SparkConf conf = conf(settings, master);
        if (conf.get("spark.master").startsWith("local")) {
            applyToThisJvm(settings.nativeLibs());
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }

    static SparkConf conf(EngineSettings settings, String master) {
        SparkConf conf = new SparkConf();
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster(settings.spark().master());
        }
        conf.setIfMissing("spark.app.name", settings.spark().appName() + " " + settings.runId());
        // the sweep prints its own progress line; Spark's stage bar would overwrite it
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        settings.spark().conf().forEach(conf::set);
        // the analysts' SQL functions (docs/udfs.md) in every session of the engine, as in spark-sql with the same setting
        String extensions = conf.get("spark.sql.extensions", "");
        if (!extensions.contains(NeuroSweepExtensions.CLASS_NAME)) {
            conf.set("spark.sql.extensions", extensions.isEmpty() ? NeuroSweepExtensions.CLASS_NAME : extensions + "," + NeuroSweepExtensions.CLASS_NAME);
        }
        NativeSettings nat = settings.nativeLibs();
        String threads = String.valueOf(nat.threads() > 0 ? nat.threads() : conf.getInt("spark.task.cpus", 1));
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", threads);
        // idle OpenMP and OpenBLAS threads sleep instead of spinning against each other (DESIGN.md, performance)
        conf.setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        conf.setIfMissing("spark.executorEnv.OPENBLAS_THREAD_TIMEOUT", "20");
        // arrays that ND4J's workspaces spill to malloc go back to the system when freed (DESIGN.md, performance)
        conf.setIfMissing("spark.executorEnv.GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=131072");
        conf.setIfMissing("spark.executor.memoryOverhead", (nat.maxBytes() >> 20) + "m");
        String javacpp = "-Dorg.bytedeco.javacpp.cachedir=" + nat.cacheDir()
                + " -Dorg.bytedeco.javacpp.maxbytes=" + nat.maxBytes()
                + " -Dorg.bytedeco.javacpp.maxphysicalbytes=" + nat.maxPhysicalBytes();
        String existing = conf.get(EXECUTOR_JAVA_OPTIONS, "");
        conf.set(EXECUTOR_JAVA_OPTIONS, (JvmFlags.ADD_OPENS + " " + javacpp + " " + existing).trim());
        return conf;
    }

    /** In local mode the driver JVM is the executor: javacpp reads these before ND4J's first allocation. */
    private static void applyToThisJvm(NativeSettings nat) {
        System.getProperties().putIfAbsent("org.bytedeco.javacpp.cachedir", nat.cacheDir());
        System.getProperties().putIfAbsent("org.bytedeco.javacpp.maxbytes", String.valueOf(nat.maxBytes()));
        System.getProperties().putIfAbsent("org.bytedeco.javacpp.maxphysicalbytes", String.valueOf(nat.maxPhysicalBytes()));
    }
}
