package org.neurosweep.cli;

import org.neurosweep.job.JobRegistry;
import org.neurosweep.sweep.SweepConfig;
import org.neurosweep.sweep.SweepConfigLoader;
import org.neurosweep.sweep.SweepConfigParser;
import org.neurosweep.sweep.SweepPlan;
import org.neurosweep.sweep.SweepPlanner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The config and plan a command line names: CONF files, {@code --set}, and the shortcuts {@code --out}, {@code --run-id}. */
final class SweepSetup {

    static final Set<String> OPTIONS = Set.of("set", "out", "run-id");

    /** {@link #OPTIONS} and {@code --master}: the value options of the commands that run a sweep. */
    static final Set<String> RUN_OPTIONS =
            Stream.concat(OPTIONS.stream(), Stream.of("master")).collect(Collectors.toUnmodifiableSet());

    /** Option lines, indented by two spaces like the commands' own. */
    static final String OPTIONS_HELP = """
              --set KEY=VALUE  override a config key (repeatable; wins over -D and the files)
              --out DIR        root of the output tables (neurosweep.out), any Hadoop file system
              --run-id ID      the run to write or resume (neurosweep.run-id; default: the sweep's name)
              --debug          print stack traces with error messages
            """.stripTrailing();

    private SweepSetup() {
    }

    static SweepPlan plan(List<Path> files, Args args) {
        List<String> sets = new ArrayList<>(args.all("set"));
        if (args.option("out") != null) {
            sets.add("neurosweep.out=" + args.option("out"));
        }
        if (args.option("run-id") != null) {
            sets.add("neurosweep.run-id=" + args.option("run-id"));
        }
        SweepConfig config = SweepConfigParser.parse(SweepConfigLoader.load(files, sets), JobRegistry.load());
        return new SweepPlanner(config.engine().spark().hadoopConfiguration()).plan(config);
    }

    static List<Path> configFiles(Args args) {
        if (args.positional().isEmpty()) {
            throw new UsageException("name at least one sweep config file");
        }
        return args.positional().stream().map(Path::of).toList();
    }
}
