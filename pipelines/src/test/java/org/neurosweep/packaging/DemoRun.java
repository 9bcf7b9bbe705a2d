package org.neurosweep.packaging;

import org.neurosweep.testutil.RepoPaths;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * README's demo through the launcher, run once per test JVM (it takes minutes) into a fresh folder, from a folder
 * other than the repository: the integration tests that need a demo run (the launcher's, the report's, the notebooks')
 * share it.
 */
public record DemoRun(Path dir, Path out, int exit, String output) {

    private static DemoRun run;

    public static synchronized DemoRun get() throws IOException, InterruptedException {
        if (run == null) {
            Path elsewhere = Files.createTempDirectory("neurosweep-demo");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(elsewhere)));
            Path out = elsewhere.resolve("tables");
            Process p = new ProcessBuilder("bash", RepoPaths.root().resolve("scripts/neurosweep").toString(), "demo",
                    "--out", out.toString()).directory(elsewhere.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("the demo did not finish in 15 minutes:\n" + output);
            }
            run = new DemoRun(elsewhere, out, p.exitValue(), output);
        }
        return run;
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind
        }
    }

    /** The launcher script. */
    public static Path launcher() {
        return RepoPaths.root().resolve("scripts/neurosweep");
    }
}
