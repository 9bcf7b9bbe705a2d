package org.neurosweep.exec;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.neurosweep.sweep.EngineSettings;
import org.neurosweep.sweep.ExecutorSettings;
import org.neurosweep.sweep.NativeSettings;
import org.neurosweep.sweep.SparkSettings;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkSessionsTest {

    private static EngineSettings settings(String master, Map<String, String> conf) {
        return new EngineSettings("file:/tmp/out", "r", 0.05, java.time.Duration.ofMinutes(1),
                new ExecutorSettings(1L << 30, 1L << 28, 32, 1, "/tmp/scratch", 1L << 20),
                new NativeSettings(6L << 30, 10L << 30, 0, "/scratch/javacpp"),
                new SparkSettings(master, "neurosweep", conf), Duration.ofSeconds(2));
    }

    @Test
    void executorsGetModuleFlagsJavacppLimitsAndThreadsPerTask() {
        SparkConf conf = SparkSessions.conf(settings("local[2]", Map.of("spark.task.cpus", "4",
                "spark.executor.extraJavaOptions", "-Dmine=1")), null);
        String options = conf.get("spark.executor.extraJavaOptions");
        assertTrue(options.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), options);
        assertTrue(options.contains("-Dorg.bytedeco.javacpp.cachedir=/scratch/javacpp"), options);
        assertTrue(options.contains("-Dorg.bytedeco.javacpp.maxbytes=" + (6L << 30)), options);
        assertTrue(options.contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=" + (10L << 30)), options);
        assertTrue(options.endsWith("-Dmine=1"), "the user's options are kept: " + options);
        assertEquals("4", conf.get("spark.executorEnv.OMP_NUM_THREADS"), "OpenMP threads follow spark.task.cpus");
        assertEquals("PASSIVE", conf.get("spark.executorEnv.OMP_WAIT_POLICY"), "idle OpenMP threads do not spin");
        assertEquals("20", conf.get("spark.executorEnv.OPENBLAS_THREAD_TIMEOUT"), "idle OpenBLAS threads soon sleep");
        assertEquals("glibc.malloc.mmap_threshold=131072", conf.get("spark.executorEnv.GLIBC_TUNABLES"),
                "spilled workspace memory is returned to the system");
        assertEquals((6L << 30 >> 20) + "m", conf.get("spark.executor.memoryOverhead"), "off-heap room for ND4J");
        assertEquals("local[2]", conf.get("spark.master"));
        assertEquals("false", conf.get("spark.ui.showConsoleProgress"), "the sweep's progress line is not overwritten");
    }

    @Test
    void theMasterComesFromTheCommandLineThenSparkSubmitThenTheConfig() {
        assertEquals("spark://h:7077", SparkSessions.conf(settings("local[*]", Map.of()), "spark://h:7077").get("spark.master"));
        System.setProperty("spark.master", "yarn");
        try {
            assertEquals("yarn", SparkSessions.conf(settings("local[*]", Map.of()), null).get("spark.master"),
                    "spark-submit's --master (a system property) wins over the config");
            assertEquals("local[1]", SparkSessions.conf(settings("local[*]", Map.of()), "local[1]").get("spark.master"));
        } finally {
            System.clearProperty("spark.master");
        }
        assertEquals("2", SparkSessions.conf(settings("local[*]", Map.of("spark.executorEnv.OMP_NUM_THREADS", "2")), null)
                .get("spark.executorEnv.OMP_NUM_THREADS"), "an explicit setting is never overridden");
    }

    @Test
    void engineSessionsInstallTheSqlFunctionsBesideAUsersExtensions() {
        assertEquals("org.neurosweep.udfs.NeuroSweepExtensions",
                SparkSessions.conf(settings("local[2]", Map.of()), null).get("spark.sql.extensions"));
        assertEquals("com.example.Mine,org.neurosweep.udfs.NeuroSweepExtensions", SparkSessions.conf(settings("local[2]",
                Map.of("spark.sql.extensions", "com.example.Mine")), null).get("spark.sql.extensions"));
    }
}
