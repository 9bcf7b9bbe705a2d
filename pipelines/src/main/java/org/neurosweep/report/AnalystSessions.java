package org.neurosweep.report;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.neurosweep.udfs.NeuroSweepExtensions;
import org.neurosweep.udfs.NeuroSweepFunctions;

import java.util.Map;

/**
 * The Spark session of the commands that read finished tables ({@code sql}, {@code report}), started when first used: embedded
 * ({@code local[*]} unless {@code spark.master} is set, as by spark-submit), quiet, with the {@code ns_*} functions,
 * the {@code run} partition read as a string. A session that already runs (a
 * notebook's, a test's) is used with the functions registered on it and those SQL settings, and left running.
 */
public final class AnalystSessions {

    /**
     * An analyst session, started on first use: the report of a small run reads its tables on the driver and never
     * needs Spark, whose start is a good part of the command's time. The Hadoop configuration (to list and read the
     * tables) is there without it: the running session's, or a new one with the {@code spark.hadoop.*} settings the
     * session would get. {@link #close} stops the session only if it started it.
     */
    public static final class Session implements AutoCloseable {
        private final SparkConf conf;
        private final Configuration hadoop;
        private SparkSession spark;

        private Session(SparkConf conf, Configuration hadoop, SparkSession running) {
            this.conf = conf;
            this.hadoop = hadoop;
            this.spark = running;
        }

        /** The session: the running one, or one started now (once). */
        public synchronized SparkSession spark() {
            if (spark == null) {
                spark = SparkSession.builder().config(conf).getOrCreate();
            }
            return spark;
        }

        /** The Hadoop configuration of the session's file systems. */
        public Configuration hadoop() {
            return hadoop;
        }

        @Override
        public synchronized void close() {
            if (conf != null && spark != null) {
                spark.stop();
            }
        }
    }

    /** SQL settings of every analyst session (runtime settings: also applied to a session that already runs). */
    private static final Map<String, String> SQL_SETTINGS = Map.of(
            "spark.sql.sources.partitionColumnTypeInference.enabled", "false");

    private AnalystSessions() {
    }

    /** @param conf further Spark settings ({@code --conf key=value}), applied last */
    public static Session open(String appName, Map<String, String> conf) {
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkSession spark = SparkSession.getDefaultSession().get();
            NeuroSweepFunctions.register(spark);
            SQL_SETTINGS.forEach((k, v) -> spark.conf().set(k, v));
            conf.forEach((k, v) -> spark.conf().set(k, v));
            return new Session(null, spark.sparkContext().hadoopConfiguration(), spark);
        }
        SparkConf sc = new SparkConf();
        sc.setIfMissing("spark.master", "local[*]");
        sc.setIfMissing("spark.app.name", appName);
        sc.set("spark.ui.enabled", "false");
        sc.set("spark.ui.showConsoleProgress", "false");
        // The tables read here are small and a report runs dozens of short queries: one shuffle partition, and expressions
        // interpreted instead of compiled (Janino), cut the report's CPU time by about a fifth (docs/BENCHMARKS.md). A query over
        // large tables may want them back: --conf spark.sql.codegen.wholeStage=true --conf spark.sql.codegen.factoryMode=FALLBACK.
        // Likewise adaptive execution, which re-plans between a query's stages (a few tiny stages each here), and the formatted
        // plan that Spark renders for its listeners on every query: off and short, a further tenth of the report's CPU time;
        // --conf spark.sql.adaptive.enabled=true brings adaptive execution back.
        sc.setIfMissing("spark.sql.shuffle.partitions", "1");
        sc.setIfMissing("spark.sql.codegen.wholeStage", "false");
        sc.setIfMissing("spark.sql.codegen.factoryMode", "NO_CODEGEN");
        sc.setIfMissing("spark.sql.adaptive.enabled", "false");
        sc.setIfMissing("spark.sql.ui.explainMode", "simple");
        sc.set("spark.sql.extensions", NeuroSweepExtensions.CLASS_NAME);
        SQL_SETTINGS.forEach(sc::set);
        conf.forEach(sc::set);
        Configuration hadoop = new Configuration();
        for (scala.Tuple2<String, String> kv : sc.getAllWithPrefix("spark.hadoop.")) {
            hadoop.set(kv._1(), kv._2());
        }
        return new Session(sc, hadoop, null);
    }
}
