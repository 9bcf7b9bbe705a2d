package org.neurosweep.cli;

import org.neurosweep.exec.SweepFailedException;
import org.neurosweep.sweep.SweepConfigException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code neurosweep COMMAND [options]}: the command-line entry point, also the main class of the shaded jar for
 * spark-submit. Errors are one clear message (the config's file, line and key; the bad option), never a bare stack
 * trace, and map to the exit statuses of {@link ExitCodes}.
 */
public final class Main {

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : List.of(new PlanCommand(), new RunCommand(), new DemoCommand(), new JobsCommand(),
                new CheckModelCommand(), new SqlCommand(), new ReportCommand())) {
            COMMANDS.put(c.name(), c);
        }
    }

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args, new Console(System.out, System.err, System.console() != null));
        System.exit(status);
    }

    /** Runs one command line; returns the exit status. */
    static int run(String[] argv, Console console) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            console.out().println(usage());
            return argv.length == 0 ? ExitCodes.USAGE : ExitCodes.OK;
        }
        Command command = COMMANDS.get(argv[0]);
        if (command == null) {
            console.err().println("neurosweep: unknown command '" + argv[0] + "'\n\n" + usage());
            return ExitCodes.USAGE;
        }
        try {
            Args args = Args.parse(Arrays.asList(argv).subList(1, argv.length), command.valueOptions(), command.flagOptions());
            if (args.flag("help")) {
                console.out().println(command.help());
                return ExitCodes.OK;
            }
            return command.run(args, console);
        } catch (UsageException e) {
            console.err().println("neurosweep " + command.name() + ": " + e.getMessage() + "\n(see neurosweep " + command.name() + " --help)");
            return ExitCodes.USAGE;
        } catch (SweepConfigException e) {
            console.err().println("neurosweep " + command.name() + ": bad sweep config:\n  " + String.join("\n  ", e.problems()));
            return ExitCodes.USAGE;
        } catch (SweepFailedException e) {
            console.err().println("neurosweep " + command.name() + ": " + e.getMessage());
            return ExitCodes.ERROR;
        } catch (Exception e) {
            console.err().println("neurosweep " + command.name() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
            e.printStackTrace(console.err());
            return ExitCodes.ERROR;
        }
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("Usage: neurosweep COMMAND [options]   (neurosweep COMMAND --help for details)\n\nCommands:\n");
        COMMANDS.values().forEach(c -> sb.append(String.format("  %-12s %s%n", c.name(), c.summary())));
        return sb.append('\n').append(ExitCodes.HELP).toString();
    }
}
