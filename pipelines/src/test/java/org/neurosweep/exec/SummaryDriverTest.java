package org.neurosweep.exec;

import org.junit.jupiter.api.Test;
import org.neurosweep.job.KernelFactory;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.Params;
import org.neurosweep.job.RowSink;
import org.neurosweep.job.SupportsSummary;
import org.neurosweep.job.TableReader;
import org.neurosweep.job.TableSchema;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.sweep.SweepPlan;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The summary units a plan implies: one per summarising job name, over the units of all its entries. */
class SummaryDriverTest {

    /** A summarising map job with no tables; only its name and kind matter here. */
    record Summarising(String name) implements MapJob, SupportsSummary {
        public int version() { return 1; }
        public String description() { return "test"; }
        public List<TableSchema> tables() { return List.of(); }
        public KernelFactory kernels() { return () -> (u, in, out) -> { }; }
        public void summarize(TableReader tables, RowSink out) { }
    }

    private static WorkUnit unit(MapJob job, String p) {
        return WorkUnit.of(job, Map.of(), null, Params.of(Map.of("p", p)), -1);
    }

    @Test
    void aJobListedTwiceGetsOneSummaryOverBothEntries() {
        Summarising a = new Summarising("a");
        Summarising b = new Summarising("b");
        List<WorkUnit> first = List.of(unit(a, "1"), unit(a, "2"));
        List<WorkUnit> second = List.of(unit(a, "3"));
        SweepPlan plan = new SweepPlan(null, List.of(new SweepPlan.PlannedJob(a, first),
                new SweepPlan.PlannedJob(b, List.of(unit(b, "1"))), new SweepPlan.PlannedJob(a, second)));

        assertEquals(2, SummaryDriver.unitCount(plan));
        SweepPlan.PlannedJob merged = SummaryDriver.summarising(plan).get("a");
        assertEquals(3, merged.units().size());
        WorkUnit summaryOfA = SummaryDriver.summaryUnit(a, merged.units());
        assertEquals(1, SummaryDriver.committedCount(plan, Set.of(summaryOfA.id())));
        // the summary id covers both entries' units, so a plan with only the first entry gets another summary
        SweepPlan onlyFirst = new SweepPlan(null, List.of(new SweepPlan.PlannedJob(a, first)));
        assertEquals(0, SummaryDriver.committedCount(onlyFirst, Set.of(summaryOfA.id())));
    }

    @Test
    void jobsWithoutUnitsGetNoSummary() {
        Summarising a = new Summarising("a");
        SweepPlan plan = new SweepPlan(null, List.of(new SweepPlan.PlannedJob(a, List.of())));
        assertEquals(0, SummaryDriver.unitCount(plan));
    }
}
