package org.neurosweep.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neurosweep.testutil.RepoPaths;

/**
 * Runs the CLI from the shaded jar with the launcher's classpath layout (shaded jar first, then the Spark classpath
 * the build wrote), not from the IDE/test classpath: this is where a stripped service file, a Jackson clash or a
 * missing native library shows; and the README's demo through the launcher script. Runs in {@code mvn verify}, after
 * {@code package}.
 */
class ShadedJarIT {

    private static Path shadedJar() throws IOException {
        Path target = RepoPaths.root().resolve("pipelines/target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("neurosweep-pipelines-.*-shaded\\.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("no shaded jar in " + target));
        }
    }

    private static Result runCli(String... args) throws Exception {
        Path root = RepoPaths.root();
        String sparkClasspath = Files.readString(root.resolve("pipelines/target/spark.classpath")).trim();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
                "-Dlog4j2.configurationFile=" + root.resolve("conf/log4j2.properties"),
                "-cp", shadedJar() + java.io.File.pathSeparator + sparkClasspath,
                "org.neurosweep.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "CLI did not finish");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private record Result(int exit, String output) {
    }

    @Test
    void checkModelPassesOnAGoldenModelFromTheShadedJar() throws Exception {
        Path llama = RepoPaths.golden("llama");
        Result r = runCli("check-model", "--model", llama.toString(),
                "--reference", llama.resolve("reference.safetensors").toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().lines().anyMatch(l -> l.matches("\\d+ passed, 0 failed, \\d+ skipped")), r.output());
        assertTrue(r.output().contains("logits") && r.output().contains("PASS"), r.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemma", "gemma2", "bloom", "bert_mlm", "qwen3", "qwen3_moe", "olmo2"})
    void checkModelPassesOnTheSecondWaveFromTheShadedJar(String family) throws Exception {
        Path dir = RepoPaths.golden(family);
        Result r = runCli("check-model", "--model", dir.toString(), "--reference", dir.resolve("reference.safetensors").toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().lines().anyMatch(l -> l.matches("\\d+ passed, 0 failed, 0 skipped")), r.output());
    }

    @Test
    void jobsAreDiscoveredThroughMergedServiceFiles() throws Exception {
        Result r = runCli("jobs");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("gemma2") && r.output().contains("bert (masked LM"), r.output());
        for (String job : List.of("mlama-probe", "lrp2", "checkpoint-eval", "logit-lens", "context-mask",
                "cross-task-patch", "composite-eval", "trace-decode", "perplexity", "sparse-components",
                "sparse-components-compare", "lota-qaf", "quantize", "swing-distill", "pad-sample", "pad-score",
                "pad-distill", "moe-attribution", "expert-blocking", "neuron-attribution", "privacy-neurons", "exposure",
                "fewfedweight", "lota-eval")) {
            assertTrue(r.output().contains(job), "job " + job + " missing from:\n" + r.output());
        }
    }

    @Test
    void planningTheDemoSweepWorksFromTheShadedJar() throws Exception {
        Result r = runCli("plan", "conf/demo.conf");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("mlama-probe"), r.output());
    }

    /** README's main command, through the launcher (its JVM flags and system properties), from another folder. */
    @Test
    void theReadmeDemoRunsThroughTheLauncher() throws Exception {
        DemoRun demo = DemoRun.get();
        Path out = demo.out();
        String output = demo.output();
        assertEquals(0, demo.exit(), output);
        for (String table : List.of("manifest", "perplexity_lines", "eval_task_scores", "trajectory_features",
                "mlama_accuracy", "lrp2_summary", "p3_decoding")) {
            assertTrue(Files.isDirectory(out.resolve(table)), table + " missing under " + out + ":\n" + output);
        }
        assertTrue(output.contains("0 failed"), output);
        assertTrue(output.contains("gap to en"), "the per-language gap with and without LRP2:\n" + output);
        assertTrue(output.contains("checkpoint-eval: dense heldout perplexity by step"), output);
    }
}
