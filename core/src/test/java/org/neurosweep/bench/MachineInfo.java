package org.neurosweep.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.nd4j.linalg.factory.Nd4j;

/** What a benchmark figure depends on: CPU, cores, memory, JDK, ND4J build and threads, and the machine's load. */
final class MachineInfo {

    private MachineInfo() {
    }

    /** Markdown bullet lines. */
    static List<String> describe() {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String extension = System.getProperty("javacpp.platform.extension", "");
        return List.of(
                "CPU: " + firstValue(Path.of("/proc/cpuinfo"), "model name") + ", "
                        + Runtime.getRuntime().availableProcessors() + " cores visible to the JVM",
                "RAM: " + firstValue(Path.of("/proc/meminfo"), "MemTotal"),
                "JDK: " + System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
                "ND4J: " + jarOf(Nd4j.class) + ", backend "
                        + Nd4j.getBackend().getClass().getSimpleName() + ", native build linux-x86_64"
                        + extension + ", BLAS " + env.getOrDefault("blas.vendor", "?"),
                "threads: OMP_NUM_THREADS=" + System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)")
                        + ", ND4J reports " + env.getOrDefault("omp.threads", "?") + " OpenMP threads, OMP_WAIT_POLICY="
                        + System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"),
                "OpenBLAS: OPENBLAS_CORETYPE=" + System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset: its own pick)")
                        + ", OPENBLAS_THREAD_TIMEOUT="
                        + System.getenv().getOrDefault("OPENBLAS_THREAD_TIMEOUT", "(unset)"),
                "load average at start: " + loadAverage());
    }

    /** The 1, 5 and 15 minute load averages (other processes competing for the cores). */
    static String loadAverage() {
        String[] f = read(Path.of("/proc/loadavg")).split("\\s+");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "?";
    }

    // the jar a class was loaded from, which names the library version (e.g. nd4j-api-1.0.0-M2.1.jar)
    private static String jarOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
        } catch (URISyntaxException | RuntimeException e) {
            return "?";
        }
    }

    private static String firstValue(Path file, String key) {
        for (String line : read(file).split("\n")) {
            if (line.startsWith(key)) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "?";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
