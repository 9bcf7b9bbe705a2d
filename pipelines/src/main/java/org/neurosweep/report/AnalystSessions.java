package org.neurosweep.report;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.neurosweep.udfs.NeuroSweepExtensions;
import org.neurosweep.udfs.NeuroSweepFunctions;

import java.util.Map;

/**
 * The Spark session of the commands that read finished tables ({@code sql}, {@code report}): embedded
 * ({@code local[*]} unless {@code spark.master} is set, as by spark-submit), quiet, with the {@code ns_*} functions,
 * the {@code run} partition read as a string. A session that already runs (a
 * notebook's, a test's) is used with the functions registered on it and those SQL settings, and left running.
 */
public final class AnalystSessions {

    /** A session and whether {@link #close} stops it. */
    public record Session(SparkSession spark, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
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
            return new Session(spark, false);
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
        return new Session(SparkSession.builder().config(sc).getOrCreate(), true);
    }
}
