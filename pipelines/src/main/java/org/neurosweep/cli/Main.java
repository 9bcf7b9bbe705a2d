package org.neurosweep.cli;

import org.neurosweep.exec.SweepFailedException;
import org.neurosweep.sweep.SweepConfigException;
import org.neurosweep.table.RunInProgressException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code neurosweep COMMAND [options]}: the command-line entry point, also the main class of the shaded jar for
 * spark-submit. Errors are one clear message (the config's file, line and key; the bad option), never a bare stack
 * trace (unless {@code --debug}; internal errors always get one), and map to the exit statuses of
 * {@link ExitCodes}.
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
        if (argv.length == 0) {
            console.err().println(usage());
            return ExitCodes.USAGE;
        }
        if (argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            console.out().println(usage());
            return ExitCodes.OK;
        }
        Command command = COMMANDS.get(argv[0]);
        if (command == null) {
            console.err().println("neurosweep: unknown command '" + argv[0] + "'\n\n" + usage());
            return ExitCodes.USAGE;
        }
        List<String> rest = new ArrayList<>(Arrays.asList(argv).subList(1, argv.length));
        boolean debug = rest.remove("--debug");
        String prefix = "neurosweep " + command.name() + ": ";
        try {
            Args args = Args.parse(rest, command.valueOptions(), command.flagOptions());
            if (args.flag("help")) {
                console.out().println(command.help());
                return ExitCodes.OK;
            }
            return command.run(args, console);
        } catch (UsageException e) {
            console.err().println(prefix + e.getMessage() + "\n(see neurosweep " + command.name() + " --help)");
            return ExitCodes.USAGE;
        } catch (SweepConfigException e) {
            console.err().println(prefix + "bad sweep config:\n  " + String.join("\n  ", e.problems()));
            return ExitCodes.USAGE;
        } catch (RunInProgressException e) {
            console.err().println(prefix + e.getMessage());
            return ExitCodes.RUN_IN_PROGRESS;
        } catch (SweepFailedException e) {
            console.err().println(prefix + e.getMessage());
            trace(e, debug, console);
            return ExitCodes.ERROR;
        } catch (Exception e) {
            String userError = UserErrors.describe(e);
            if (userError != null) {
                console.err().println(prefix + userError);
                trace(e, debug, console);
                return ExitCodes.USAGE;
            }
            console.err().println(prefix + "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            e.printStackTrace(console.err());
            return ExitCodes.ERROR;
        }
    }

    private static void trace(Exception e, boolean debug, Console console) {
        if (debug) {
            e.printStackTrace(console.err());
        }
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("Usage: neurosweep COMMAND [options]   (neurosweep COMMAND --help for details)\n\nCommands:\n");
        COMMANDS.values().forEach(c -> sb.append(String.format("  %-12s %s%n", c.name(), c.summary())));
        return sb.append("\nEvery command also takes --debug (stack traces with error messages).\n\n").append(ExitCodes.HELP).toString();
    }
}
