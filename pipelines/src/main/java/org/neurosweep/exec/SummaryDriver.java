package org.neurosweep.exec;

import org.apache.spark.sql.SparkSession;
import org.neurosweep.job.Job;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.Params;
import org.neurosweep.job.RoundsJob;
import org.neurosweep.job.SupportsSummary;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.table.RunFiles;
import org.neurosweep.table.TableLayout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs the driver-side summaries of {@link SupportsSummary} jobs: one more unit per job, on the driver, once every
 * unit the job planned is committed. Its id hashes the job's unit ids, so a plan with other units gets a new summary
 * while a rerun of the same plan skips the committed one.
 */
final class SummaryDriver {

    private static final String SUMMARY_OF = "summary-of";

    private final StageRunner stages;
    private final RunFiles files;
    private final TableLayout layout;
    private final SparkSession spark;

    SummaryDriver(StageRunner stages, RunFiles files, TableLayout layout, SparkSession spark) {
        this.stages = stages;
        this.files = files;
        this.layout = layout;
        this.spark = spark;
    }

    /** The summary units the plan implies (one per summarising job with units). */
    static int unitCount(SweepPlan plan) {
        return summarising(plan).size();
    }

    /** How many of them are in {@code committed}. */
    static int committedCount(SweepPlan plan, Set<String> committed) {
        return (int) summarising(plan).values().stream()
                .filter(s -> committed.contains(summaryUnit(s.job(), s.units()).id())).count();
    }

    /**
     * The summarising jobs of the plan with all their units, one entry per job name: a job listed twice (two entries
     * with other parameters) writes one summary over the units of both, since the summary reads the job's whole table.
     */
    static Map<String, SweepPlan.PlannedJob> summarising(SweepPlan plan) {
        Map<String, SweepPlan.PlannedJob> byName = new LinkedHashMap<>();
        for (SweepPlan.PlannedJob pj : plan.jobs()) {
            if (pj.job() instanceof SupportsSummary && !pj.units().isEmpty()) {
                byName.merge(pj.job().name(), pj, (a, b) -> new SweepPlan.PlannedJob(a.job(),
                        Stream.concat(a.units().stream(), b.units().stream()).toList()));
            }
        }
        return byName;
    }

    List<UnitOutcome> run(SweepPlan plan) throws IOException {
        List<UnitOutcome> outcomes = new ArrayList<>();
        for (SweepPlan.PlannedJob pj : summarising(plan).values()) {
            SupportsSummary s = (SupportsSummary) pj.job();
            Set<String> committed = files.committedUnits();
            WorkUnit unit = summaryUnit(pj.job(), pj.units());
            if (committed.contains(unit.id()) || !completion(pj).stream().allMatch(u -> committed.contains(u.id()))) {
                continue;
            }
            TableReader reader = new RunTables(spark, layout, RunTables.schemas(plan));
            KernelFactory kernels = () -> (u, in, out) -> s.summarize(reader, out);
            outcomes.add(stages.runOnDriver(JobKernels.of(pj.job(), kernels), unit));
        }
        return outcomes;
    }

    /** The units whose commitment completes a job: its units, or for a rounds job every round's aggregation. */
    private static List<WorkUnit> completion(SweepPlan.PlannedJob pj) {
        return pj.job() instanceof RoundsJob<?> rounds ? RoundsDriver.aggregationUnits(rounds, pj.units()) : pj.units();
    }

    static WorkUnit summaryUnit(Job job, List<WorkUnit> units) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            units.stream().map(WorkUnit::id).sorted().forEach(id -> sha.update((id + "\n").getBytes(StandardCharsets.UTF_8)));
            String of = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
            return WorkUnit.of(job, Map.of(), null, Params.of(Map.of(SUMMARY_OF, of)), -1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }
}
