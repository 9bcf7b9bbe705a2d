package org.neurosweep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark's Markdown report: opens with the machine section, collects lines, and at the end prints them (and
 * writes them to the file named by the benchmark's first argument, if any). Progress goes to stderr with the load
 * average, so that a disturbed step can be seen.
 */
final class Report {
    private final List<String> lines = new ArrayList<>();

    Report() {
        line("### Machine");
        line("");
        MachineInfo.describe().forEach(m -> line("- " + m));
    }

    void line(String s) {
        lines.add(s);
    }

    /** A blank line, then a {@code ###} heading, then a blank line. */
    void section(String heading) {
        line("");
        line("### " + heading);
        line("");
    }

    /** Adds the closing load average, prints the report and writes it to {@code args[0]} when given. */
    void finish(String[] args) throws IOException {
        line("");
        line("Load average at the end: " + MachineInfo.loadAverage());
        String markdown = String.join("\n", lines) + "\n";
        System.out.print(markdown);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), markdown);
        }
    }

    static void progress(String step) {
        System.err.println("bench: " + step + " (load average " + MachineInfo.loadAverage() + ")");
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    static String verdict(boolean met) {
        return met ? "met" : "missed";
    }
}
