package org.neurosweep.testjobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.neurosweep.exec.SweepResult;
import org.neurosweep.exec.SweepRunner;
import org.neurosweep.job.Job;
import org.neurosweep.job.JobRegistry;
import org.neurosweep.sweep.SweepConfig;
import org.neurosweep.sweep.SweepConfigLoader;
import org.neurosweep.sweep.SweepConfigParser;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.sweep.SweepPlanner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes sweep configs into a test's folder (so errors carry file and line), plans and runs them. */
public final class TestSweeps {

    private final Path dir;

    public TestSweeps(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path out() {
        return dir.resolve("out");
    }

    /** A config file holding {@code sweep} below engine settings that keep tests fast and tables in the test folder. */
    public Path conf(String name, String sweep) {
        String engine = "neurosweep {\n"
                + "  out = \"" + out() + "\"\n"
                + "  failure-ceiling = 1.0\n"
                + "  progress.interval = 200ms\n"
                + "  executor.scratch-dir = \"" + dir.resolve("scratch") + "\"\n"
                + "}\n";
        return write(name, engine + sweep);
    }

    public Path write(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SweepConfig parse(List<? extends Job> jobs, Path conf, String... sets) {
        return SweepConfigParser.parse(SweepConfigLoader.load(List.of(conf), List.of(sets)), JobRegistry.of(jobs));
    }

    public static SweepPlan plan(List<? extends Job> jobs, Path conf, String... sets) {
        return new SweepPlanner(new Configuration()).plan(parse(jobs, conf, sets));
    }

    public static SweepResult run(SweepPlan plan) throws IOException {
        return new SweepRunner(TestSpark.session(), System.err, false).run(plan);
    }

    /** Committed rows of {@code table}, all runs. */
    public Dataset<Row> table(String table) {
        return TestSpark.session().read().parquet(out().resolve(table).toString());
    }
}
