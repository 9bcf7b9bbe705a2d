package org.neurosweep.cli;

import org.apache.spark.sql.SparkSession;
import org.neurosweep.exec.RunTables;
import org.neurosweep.exec.SparkSessions;
import org.neurosweep.exec.SweepResult;
import org.neurosweep.exec.SweepRunner;
import org.neurosweep.exec.UnitOutcome;
import org.neurosweep.job.SupportsHeadlines;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.table.TableLayout;

import java.io.PrintStream;
import java.util.Locale;

/** Runs a plan on Spark and reports: totals, failed units with reasons, where the tables are, job headlines. */
final class RunReport {

    /** Failed units listed in full; the manifest has the rest. */
    private static final int LISTED_FAILURES = 20;

    private RunReport() {
    }

    /** @return the exit status; a Spark session that existed before (a notebook's, a test's) is left running */
    static int runAndReport(SweepPlan plan, String master, Console console) throws Exception {
        if (plan.unitCount() == 0 && plan.later().isEmpty()) {
            console.out().println("the sweep plans no unit; nothing to run");
            return ExitCodes.OK;
        }
        boolean embedded = SparkSession.getDefaultSession().isDefined();
        SparkSession spark = SparkSessions.create(plan.config().engine(), master);
        try {
            SweepResult result = new SweepRunner(spark, console.err(), console.terminal()).run(plan);
            PrintStream out = console.out();
            summary(result, out);
            int status = ExitCodes.OK;
            if (result.ceilingExceeded()) {
                console.err().printf(Locale.ROOT, "failure ceiling exceeded: %d of %d units failed (neurosweep.failure-ceiling = %.3f)%s%n",
                        result.failed(), result.planned(), result.failureCeiling(), result.aborted() ? "; the run was stopped early" : "");
                status = ExitCodes.FAILURE_CEILING;
            } else if (!result.stagesNotRun().isEmpty()) {
                result.stagesNotRun().forEach(console.err()::println);
                status = ExitCodes.STAGES_NOT_RUN;
            }
            tables(result.plan(), result, spark, out, console.err());
            return status;
        } finally {
            if (!embedded) {
                spark.stop();
            }
        }
    }

    private static void summary(SweepResult r, PrintStream out) {
        out.printf(Locale.ROOT, "run %s attempt %d: %d committed now, %d earlier, %d failed of %d planned; %,d rows, %,d bad records, "
                        + "%d model loads, %.1f s%n", r.runId(), r.runAttempt(), r.committed(), r.alreadyCommitted(), r.failed(),
                r.planned(), r.rows(), r.badRecords(), r.modelLoads(), r.elapsed().toMillis() / 1000.0);
        if (r.superseded() > 0) {
            out.printf("%d attempts were superseded: their unit was committed by another attempt (a retry, a speculative copy"
                    + " or another invocation), and they published nothing%n", r.superseded());
        }
        if (r.leaseLost()) {
            out.println("this invocation lost the run's lease while it ran (it was presumed dead and another invocation took the"
                    + " run over); units it had not committed by then are that invocation's to run");
        }
        if (r.failed() > 0) {
            out.println("failed units (the manifest table has every attempt):");
            r.failures().stream().limit(LISTED_FAILURES).forEach(f -> out.println("  " + line(f)));
            if (r.failed() > LISTED_FAILURES) {
                out.println("  ... and " + (r.failed() - LISTED_FAILURES) + " more");
            }
        }
    }

    private static String line(UnitOutcome f) {
        return f.unitId() + "  " + f.description() + "\n      " + f.error();
    }

    /** Where the tables are, and each job's headlines; a job whose headlines fail gets one line saying why. */
    private static void tables(SweepPlan plan, SweepResult r, SparkSession spark, PrintStream out, PrintStream err) {
        TableLayout layout = new TableLayout(r.out(), r.runId());
        out.println("tables (read with spark.read.parquet(\"" + r.out() + "/<table>\"), partitioned by run):");
        out.println("  manifest  " + layout.tableDir("manifest"));
        out.println("  errors    " + layout.tableDir("errors"));
        TableReader reader = new RunTables(spark, layout, RunTables.schemas(plan));
        java.util.Set<String> shown = new java.util.HashSet<>();
        for (SweepPlan.PlannedJob pj : plan.jobs()) {
            if (!shown.add(pj.job().name())) {
                continue;   // a job with several entries: its tables and headlines cover them all, shown once
            }
            for (TableSchema t : pj.job().tables()) {
                out.println("  " + t.name() + "  " + layout.tableDir(t.name()));
            }
            if (pj.job() instanceof SupportsHeadlines h) {
                try {
                    h.headlines(reader).forEach(line -> out.println("  " + pj.job().name() + ": " + line));
                } catch (RuntimeException e) {
                    err.println("  " + pj.job().name() + ": no headlines (" + e.getClass().getSimpleName() + ": "
                            + e.getMessage().lines().findFirst().orElse("") + ")");
                }
            }
        }
    }
}
