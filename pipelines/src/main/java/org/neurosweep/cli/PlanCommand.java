package org.neurosweep.cli;

import org.neurosweep.job.RoundsJob;
import org.neurosweep.job.WorkUnit;
import org.neurosweep.sweep.EngineSettings;
import org.neurosweep.sweep.JobEntry;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.table.RunFiles;
import org.neurosweep.table.TableLayout;

import java.util.Set;

/** {@code neurosweep plan CONF...}: prints the units a run would execute, and which are already committed. */
final class PlanCommand implements Command {

    @Override
    public String name() {
        return "plan";
    }

    @Override
    public String summary() {
        return "print the work units of a sweep without running them";
    }

    @Override
    public String help() {
        return """
                Usage: neurosweep plan CONF [CONF...] [options]

                Expands the sweep (models x checkpoints x dataset shards x parameter grid) into work units and
                prints one line per unit: its id, whether the run already committed it, and what it computes.
                Later CONF files override earlier ones. Nothing is loaded and Spark is not started.

                Options:
                """ + SweepSetup.OPTIONS_HELP;
    }

    @Override
    public Set<String> valueOptions() {
        return SweepSetup.OPTIONS;
    }

    @Override
    public int run(Args args, Console console) throws Exception {
        SweepPlan plan = SweepSetup.plan(SweepSetup.configFiles(args), args);
        EngineSettings engine = plan.config().engine();
        Set<String> committed = new RunFiles(new TableLayout(engine.out(), engine.runId()), engine.spark().hadoopConfiguration())
                .committedUnits();
        console.out().printf("sweep %s: %d units in %d job entries; run %s under %s%n",
                plan.config().name(), plan.unitCount(), plan.jobs().size(), engine.runId(), engine.out());
        console.out().printf("%-16s  %-9s  %s%n", "unit", "status", "job model dataset {params}");
        int done = 0;
        for (SweepPlan.PlannedJob pj : plan.jobs()) {
            for (WorkUnit u : pj.units()) {
                boolean isCommitted = committed.contains(u.id());
                done += isCommitted ? 1 : 0;
                console.out().printf("%-16s  %-9s  %s%n", u.id(), isCommitted ? "committed" : "pending", u.describe());
            }
            if (pj.job() instanceof RoundsJob<?> rounds) {
                console.out().printf("  (%s: the %d units above are clients; each runs once per round, %s)%n",
                        pj.job().name(), pj.units().size(), pj.units().stream().map(WorkUnit::params).distinct()
                                .map(p -> rounds.rounds(p) + " rounds for {" + p + "}").toList());
            }
        }
        console.out().printf("%d pending, %d committed%n", plan.unitCount() - done, done);
        for (JobEntry later : plan.later()) {
            console.out().printf("stage %d: %s (%s) is planned when %s %s committed%n", later.stage(), later.job().name(),
                    later.origin(), String.join(", ", later.after()), later.after().size() == 1 ? "has" : "have");
        }
        return ExitCodes.OK;
    }
}
