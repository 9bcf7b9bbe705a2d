package org.neurosweep.cli;

import java.util.Set;

/** {@code neurosweep run CONF...}: runs a sweep on Spark, resuming the run if it exists. */
final class RunCommand implements Command {

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "run a sweep (resumes the run: committed units are skipped)";
    }

    @Override
    public String help() {
        return """
                Usage: neurosweep run CONF [CONF...] [--master URL] [options]

                Runs every unit of the sweep that the run has not committed yet, on Spark: locally
                (local[*], the default), or on a standalone, YARN or Kubernetes master. The same command
                resumes a run that died half-way: committed units are skipped, nothing is written twice.
                Failed units (missing checkpoint, unsupported architecture, ...) are recorded in the manifest
                and listed at the end; the run exits 3 when more fail than neurosweep.failure-ceiling allows.
                The shaded jar also runs under spark-submit (--class org.neurosweep.cli.Main ... run CONF).

                Options:
                  --master URL     Spark master (default: spark-submit's, else neurosweep.spark.master)
                """ + SweepSetup.OPTIONS_HELP + "\n\n" + ExitCodes.HELP;
    }

    @Override
    public Set<String> valueOptions() {
        return SweepSetup.RUN_OPTIONS;
    }

    @Override
    public int run(Args args, Console console) throws Exception {
        return RunReport.runAndReport(SweepSetup.plan(SweepSetup.configFiles(args), args), args.option("master"), console);
    }
}
