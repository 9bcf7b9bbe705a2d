package org.neurosweep.cli;

import org.neurosweep.job.Job;
import org.neurosweep.job.JobRegistry;
import org.neurosweep.job.MapJob;
import org.neurosweep.job.NeedsDataset;
import org.neurosweep.job.ParamSpec;
import org.neurosweep.job.RunJob;
import org.neurosweep.job.SupportsCheckpointSeries;
import org.neurosweep.job.TableSchema;
import org.neurosweep.model.ArchitectureRegistry;

import java.util.Set;

/** {@code neurosweep jobs}: the registered jobs, their parameters and tables. */
final class JobsCommand implements Command {

    @Override
    public String name() {
        return "jobs";
    }

    @Override
    public String summary() {
        return "list the jobs a sweep can run, with their parameters and tables";
    }

    @Override
    public String help() {
        return """
                Usage: neurosweep jobs

                Lists the supported model types, then every registered job: shape (map, run, rounds), code version, what it computes, the
                dataset formats it reads, whether it runs over checkpoint series, its parameters (type, default)
                and the tables it writes (docs/tables.md documents every column).""";
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of();
    }

    @Override
    public int run(Args args, Console console) {
        console.out().println(ArchitectureRegistry.supportSummary());
        for (Job job : JobRegistry.load().all()) {
            String shape = job instanceof MapJob ? "map" : job instanceof RunJob ? "run" : "rounds";
            console.out().printf("%s (%s, version %d): %s%n", job.name(), shape, job.version(), job.description());
            if (job instanceof NeedsDataset d) {
                console.out().println("  datasets: " + String.join(", ", d.formats()));
            }
            if (job instanceof SupportsCheckpointSeries) {
                console.out().println("  runs over checkpoint series");
            }
            for (ParamSpec p : job.params()) {
                console.out().printf("  param %s: %s%s - %s%n", p.name(), p.type().description(),
                        p.required() ? ", required" : " = " + p.defaultValue(), p.doc());
            }
            for (TableSchema t : job.tables()) {
                console.out().printf("  table %s: %s%n", t.name(), t.doc());
            }
        }
        return ExitCodes.OK;
    }
}
