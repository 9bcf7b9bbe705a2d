package org.neurosweep.cli;

import org.neurosweep.sweep.SweepPlan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code neurosweep demo}: the bundled demo sweep (conf/demo.conf over data/demo). */
final class DemoCommand implements Command {

    static final Path DEMO_CONF = Path.of("conf", "demo.conf");

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "run the demo sweep over the bundled world models (conf/demo.conf)";
    }

    @Override
    public String help() {
        return """
                Usage: neurosweep demo [--master URL] [options]

                Runs conf/demo.conf from the repository root: every job that exists, on the bundled world
                models and their checkpoint series (data/demo). Prints where the tables are and a few headline
                numbers, then writes the run's HTML report (neurosweep report) and prints its path. Tables go to
                out/demo unless --out says otherwise; running it again resumes (and so
                finishes at once once everything is committed; use --run-id for a fresh run).

                Options:
                  --master URL     Spark master (default local[*])
                """ + SweepSetup.OPTIONS_HELP + "\n\n" + ExitCodes.HELP;
    }

    @Override
    public Set<String> valueOptions() {
        return SweepSetup.RUN_OPTIONS;
    }

    @Override
    public int run(Args args, Console console) throws Exception {
        if (!args.positional().isEmpty()) {
            throw new UsageException("demo takes no config file (it runs " + DEMO_CONF + ")");
        }
        if (!Files.isRegularFile(DEMO_CONF)) {
            throw new UsageException(DEMO_CONF + " not found: run the demo from the repository root");
        }
        SweepPlan plan = SweepSetup.plan(List.of(DEMO_CONF), args);
        int status = RunReport.runAndReport(plan, args.option("master"), console);
        if (status == ExitCodes.OK) {
            console.out().println("report: " + ReportCommand.write(plan.config().engine().out(), plan.config().engine().runId(), null));
        }
        return status;
    }
}
