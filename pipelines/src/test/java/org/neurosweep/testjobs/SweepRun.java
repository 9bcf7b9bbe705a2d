package org.neurosweep.testjobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.neurosweep.exec.SweepResult;
import org.neurosweep.job.Job;
import org.neurosweep.sweep.SweepPlan;

/** One sweep of a test class: its config written into the class's folder, planned for some jobs and run once. */
public record SweepRun(TestSweeps sweeps, SweepPlan plan, SweepResult result) {

    /** Writes {@code sweep} (see {@link TestSweeps#conf}) as {@code confName} in {@code dir}, plans it for {@code jobs}, runs it. */
    public static SweepRun of(Path dir, String confName, String sweep, List<? extends Job> jobs) throws IOException {
        TestSweeps sweeps = new TestSweeps(dir);
        SweepPlan plan = TestSweeps.plan(jobs, sweeps.conf(confName, sweep));
        return new SweepRun(sweeps, plan, TestSweeps.run(plan));
    }

    /** Committed rows of {@code table}. */
    public Dataset<Row> table(String table) {
        return sweeps.table(table);
    }
}
