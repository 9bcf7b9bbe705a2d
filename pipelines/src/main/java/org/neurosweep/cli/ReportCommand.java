package org.neurosweep.cli;

import org.neurosweep.job.JobRegistry;
import org.neurosweep.report.AnalystSessions;
import org.neurosweep.report.HtmlReport;
import org.neurosweep.report.OutputTables;

import java.util.Map;
import java.util.Set;

/** {@code neurosweep report}: the HTML report of one run, drawn from its tables. */
final class ReportCommand implements Command {

    @Override
    public String name() {
        return "report";
    }

    @Override
    public String summary() {
        return "write a run's HTML report: manifest summary and each job's figures";
    }

    @Override
    public String help() {
        return """
                Usage: neurosweep report [--out DIR] [--run ID] [--output FILE]

                Writes one self-contained HTML file for a run (inline SVG charts, no script, no network: it opens
                offline and can be mailed): the manifest summary (units, failures with their reasons, model loads,
                timings) and, per job that ran, its figures drawn from the run's tables. Prints the file's path.

                Options:
                  --out DIR      output root of the run (default out/demo, the demo's)
                  --run ID       the run (default: the most recently written run under --out)
                  --output FILE  where to write it (default <out>/_reports/<run>.html); any Hadoop file system

                """ + ExitCodes.HELP;
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("out", "run", "output");
    }

    @Override
    public int run(Args args, Console console) throws Exception {
        if (!args.positional().isEmpty()) {
            throw new UsageException("report takes no positional argument");
        }
        String out = args.option("out") == null ? SqlCommand.DEFAULT_OUT : args.option("out");
        console.out().println("report: " + write(out, args.option("run"), args.option("output")));
        return ExitCodes.OK;
    }

    /** Writes the report of {@code run} (null: the latest) under {@code out} to {@code target} (null: the default). */
    static String write(String out, String run, String target) throws Exception {
        try (AnalystSessions.Session session = AnalystSessions.open("neurosweep report", Map.of())) {
            OutputTables tables;
            String chosen;
            try {
                tables = OutputTables.open(session, out);
                chosen = tables.run(run);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            HtmlReport report = new HtmlReport(tables, chosen, JobRegistry.load());
            return report.write(target != null ? target : HtmlReport.defaultTarget(tables, chosen));
        }
    }
}
