package org.neurosweep.cli;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neurosweep.testjobs.TestSpark;
import org.neurosweep.testjobs.TestSweeps;
import org.neurosweep.testutil.RepoPaths;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {

    @TempDir
    Path dir;

    /** One command line's exit status and output. */
    private record Result(int status, String out, String err) {
    }

    private static Result main(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(argv, new Console(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandHasHelpAndBadCommandLinesExitWith2() {
        for (String command : List.of("plan", "run", "demo", "jobs", "check-model")) {
            Result help = main(command, "--help");
            assertEquals(0, help.status(), command);
            assertTrue(help.out().startsWith("Usage: neurosweep " + command), help.out());
        }
        assertTrue(main("--help").out().contains("check-model"));
        for (String command : List.of("plan", "run", "demo")) {
            java.util.regex.Pattern option = java.util.regex.Pattern.compile("^  --[a-z-]+(?: [A-Z=.]+)?\\s+");
            List<Integer> descriptionColumns = main(command, "--help").out().lines().map(option::matcher)
                    .filter(java.util.regex.Matcher::find).map(java.util.regex.Matcher::end).distinct().toList();
            assertEquals(1, descriptionColumns.size(), command + " --help aligns its options: " + descriptionColumns);
        }
        assertEquals(2, main().status());
        Result unknown = main("frobnicate");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown command 'frobnicate'"), unknown.err());
        Result badOption = main("run", "x.conf", "--speed", "3");
        assertEquals(2, badOption.status());
        assertTrue(badOption.err().contains("unknown option --speed"), badOption.err());
        Result noConf = main("plan");
        assertEquals(2, noConf.status());
        assertTrue(noConf.err().contains("name at least one sweep config file"), noConf.err());
        Result tolerance = main("check-model", "--model", "m", "--reference", "r", "--tolerance", "fp8");
        assertEquals(2, tolerance.status());
        assertTrue(tolerance.err().contains("unknown tolerance 'fp8'"), tolerance.err());
    }

    @Test
    void aBadConfigExitsWith2NamingFileLineAndKey() throws Exception {
        Path conf = new TestSweeps(dir).conf("bad.conf", "sweep {\n  datasets { t { format = text, path = x, shards = 0 } }\n}\n");
        int line = Files.readAllLines(conf).indexOf("  datasets { t { format = text, path = x, shards = 0 } }") + 1;
        Result r = main("plan", conf.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains(conf + ":" + line + ": sweep.datasets.t.shards: must be at least 1, got 0"), r.err());
    }

    @Test
    void planListsTheUnitsWithoutRunningThem() {
        Path conf = new TestSweeps(dir).conf("plan.conf", """
                sweep {
                  name = listing
                  checkpoints { dense { dir = "%s", prefix = "dense-step" } }
                  datasets { pretrain { format = text, path = "%s", shards = 2 } }
                  jobs = [ { job = perplexity, models = [dense], datasets = [pretrain] } ]
                }
                """.formatted(RepoPaths.root().resolve("data/demo/world"), RepoPaths.dataset("world/pretrain.txt")));
        Result r = main("plan", conf.toString(), "--run-id", "r7");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("sweep listing: 10 units in 1 job entries; run r7 under file:" + dir.resolve("out")), r.out());
        assertTrue(r.out().contains("pending    perplexity dense@dense-step00250 pretrain[0/2]"), r.out());
        assertTrue(r.out().endsWith("10 pending, 0 committed\n"), r.out());
        assertTrue(Files.notExists(dir.resolve("out")), "planning writes nothing");
    }

    @Test
    void planSaysWhenAnEntryWithAfterIsPlanned() {
        Path conf = new TestSweeps(dir).conf("later.conf", """
                sweep {
                  name = later
                  models { dense { path = "%s" } }
                  datasets { pretrain { format = text, path = "%s" } }
                  jobs = [
                    { job = perplexity, models = [dense], datasets = [pretrain] }
                    { job = logit-lens, models = [dense], datasets = [facts], after = [perplexity] }
                  ]
                  datasets.facts { format = mlama, path = "%s" }
                }
                """.formatted(RepoPaths.world("dense"), RepoPaths.dataset("world/pretrain.txt"), RepoPaths.dataset("world/mlama")));
        Result r = main("plan", conf.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("sweep later: 1 units in 1 job entries"), r.out());
        assertTrue(r.out().contains("stage 1: logit-lens (" + conf + ":"), r.out());
        assertTrue(r.out().endsWith(") is planned when perplexity has committed\n"), r.out());
    }

    @Test
    void brokenCheckpointsFailTheirUnitsAndTheCeilingDecidesTheExitStatus() throws Exception {
        TestSpark.session();
        Path bert = Files.createDirectories(dir.resolve("bert"));
        Files.writeString(bert.resolve("config.json"), "{\"model_type\": \"t5\", \"architectures\": [\"T5ForConditionalGeneration\"]}");
        Path noWeights = Files.createDirectories(dir.resolve("no-weights"));
        Files.copy(RepoPaths.world("dense_small").resolve("config.json"), noWeights.resolve("config.json"));
        Path conf = new TestSweeps(dir).conf("broken.conf", """
                sweep {
                  name = broken
                  models {
                    small { path = "%s" }
                    gone { path = "%s" }
                    bert { path = "%s" }
                  }
                  datasets { pretrain { format = text, path = "%s", max-records = 4 } }
                  jobs = [ { job = perplexity, models = [small, gone, bert], datasets = [pretrain] } ]
                }
                """.formatted(RepoPaths.world("dense_small"), noWeights, bert,
                RepoPaths.dataset("world/pretrain.txt")));

        Result tolerated = main("run", conf.toString());
        assertEquals(0, tolerated.status(), tolerated.err());
        assertTrue(tolerated.out().contains("1 committed now, 0 earlier, 2 failed of 3 planned"), tolerated.out());
        assertTrue(tolerated.out().contains(noWeights + ": directory holds none of"), tolerated.out());
        assertTrue(tolerated.out().contains("'model_type' has unsupported value 't5'"), tolerated.out());
        List<Row> failed = new TestSweeps(dir).table("manifest").where(col("status").equalTo("failed"))
                .orderBy("model_id").select("model_id", "error").collectAsList();
        assertEquals(List.of("bert", "gone"), failed.stream().map(r -> r.getString(0)).toList());
        assertEquals(4, new TestSweeps(dir).table("perplexity_lines").count(), "the good model's unit committed its rows");

        Result exceeded = main("run", conf.toString(), "--run-id", "strict", "--set", "neurosweep.failure-ceiling=0.5");
        assertEquals(3, exceeded.status(), exceeded.out() + exceeded.err());
        assertTrue(exceeded.err().contains("failure ceiling exceeded: 2 of 3 units failed"), exceeded.err());
    }

    @Test
    void aStageWhoseJobToFollowFailedExitsWith6AndSaysWhy() throws Exception {
        TestSpark.session();
        Path noWeights = Files.createDirectories(dir.resolve("no-weights"));
        Files.copy(RepoPaths.world("dense_small").resolve("config.json"), noWeights.resolve("config.json"));
        Path conf = new TestSweeps(dir).conf("stopped.conf", """
                sweep {
                  name = stopped
                  models { gone { path = "%s" } }
                  datasets {
                    pretrain { format = text, path = "%s", max-records = 2 }
                    facts { format = mlama, path = "%s", max-records = 2 }
                  }
                  jobs = [
                    { job = logit-lens, models = [gone], datasets = [facts] }
                    { job = perplexity, models = [gone], datasets = [pretrain], after = [logit-lens] }
                  ]
                }
                """.formatted(noWeights, RepoPaths.dataset("world/pretrain.txt"), RepoPaths.dataset("world/mlama")));
        Result r = main("run", conf.toString());
        assertEquals(6, r.status(), r.out() + r.err());
        assertTrue(r.err().contains("stage 1 (perplexity) not run: "), r.err());
        assertTrue(r.err().contains(" units of logit-lens are not committed"), r.err());
    }

    @Test
    void aMissingModelFolderIsAStartUpErrorNamingTheConfigLineWithoutAStackTrace() throws Exception {
        Path conf = new TestSweeps(dir).conf("missing.conf", """
                sweep {
                  name = missing
                  models { gone { path = "%s" } }
                  datasets { pretrain { format = text, path = "%s" } }
                  jobs = [ { job = perplexity, models = [gone], datasets = [pretrain] } ]
                }
                """.formatted(dir.resolve("no such checkpoint"), dir.resolve("no-such.txt")));
        List<String> lines = Files.readAllLines(conf);
        int models = lines.indexOf(lines.stream().filter(l -> l.contains("models {")).findFirst().orElseThrow()) + 1;
        for (String command : List.of("plan", "run")) {
            Result r = main(command, conf.toString());
            assertEquals(2, r.status(), r.err());
            assertTrue(r.err().contains(conf + ":" + models + ": sweep.models.gone.path: file:" + dir.resolve("no such checkpoint")
                    + ": no such folder"), r.err());
            assertTrue(r.err().contains(conf + ":" + (models + 1) + ": sweep.datasets.pretrain.path: "), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }

    @Test
    void anOutputRootThatIsAFileIsOneLineAndStatusTwo() throws Exception {
        TestSpark.session();
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        Path conf = perplexitySweep("outfile", RepoPaths.world("dense_small"));
        Result r = main("run", conf.toString(), "--out", file.toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains(file + " is a file; the output root (--out, neurosweep.out)"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void aJobWhoseUnitsAllFailEndsTheRunWithItsHeadlinesAndTheCeilingDecides() throws Exception {
        TestSpark.session();
        Path noWeights = Files.createDirectories(dir.resolve("no-weights"));
        Files.copy(RepoPaths.world("dense_small").resolve("config.json"), noWeights.resolve("config.json"));
        Path conf = perplexitySweep("allfail", noWeights);
        Result tolerated = main("run", conf.toString());
        assertEquals(0, tolerated.status(), tolerated.err());
        assertTrue(tolerated.out().contains("0 committed now, 0 earlier, 1 failed of 1 planned"), tolerated.out());
        assertTrue(tolerated.out().contains("perplexity_lines"), "the tables are listed: " + tolerated.out());
        assertFalse(tolerated.err().contains("no headlines"), "an empty table's headline query works: " + tolerated.err());

        Result exceeded = main("run", conf.toString(), "--run-id", "strict", "--set", "neurosweep.failure-ceiling=0.5");
        assertEquals(3, exceeded.status(), exceeded.err());
        assertTrue(exceeded.out().contains("perplexity_lines"), "the report still ends with the tables: " + exceeded.out());
    }

    @Test
    void aModelFolderWithSpacesInItsPathIsRead() throws Exception {
        TestSpark.session();
        Path model = Files.createDirectories(dir.resolve("with space/dense small"));
        try (var files = Files.list(RepoPaths.world("dense_small"))) {
            for (Path f : files.toList()) {
                Files.copy(f, model.resolve(f.getFileName().toString()));
            }
        }
        Path conf = perplexitySweep("space", model);
        Result r = main("run", conf.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("1 committed now, 0 earlier, 0 failed of 1 planned"), r.out() + r.err());
    }

    @Test
    void aSecondInvocationOfALiveRunIsRefusedWithStatusFiveNamingTheHolder() throws Exception {
        TestSpark.session();
        Path conf = perplexitySweep("busy", RepoPaths.world("dense_small"));
        org.neurosweep.table.TableLayout layout = new org.neurosweep.table.TableLayout(
                "file:" + new TestSweeps(dir).out(), "busy");
        try (org.neurosweep.table.RunLease other = org.neurosweep.table.RunLease.acquire(layout,
                new org.apache.hadoop.conf.Configuration(), java.time.Duration.ofMinutes(1), "app-elsewhere")) {
            Result r = main("run", conf.toString());
            assertEquals(5, r.status(), r.out() + r.err());
            assertTrue(r.err().contains("run busy in file:" + new TestSweeps(dir).out() + " is being run by "), r.err());
            assertTrue(r.err().contains("application app-elsewhere"), r.err());
            assertFalse(Files.exists(new TestSweeps(dir).out().resolve("manifest")), "the refused run wrote nothing");
        }
    }

    @Test
    void aMalformedCheckpointIsOneLineWithStatusTwo() throws Exception {
        Path model = Files.createDirectories(dir.resolve("malformed"));
        Files.copy(RepoPaths.world("dense_small").resolve("config.json"), model.resolve("config.json"));
        Files.writeString(model.resolve("model.safetensors"), "not a safetensors file");
        Result r = main("check-model", "--model", model.toString(), "--reference", model.resolve("reference.safetensors").toString());
        assertEquals(2, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("neurosweep check-model: "), r.err());
        Result debug = main("check-model", "--model", model.toString(), "--reference", "x", "--debug");
        assertTrue(debug.err().contains("\tat "), "--debug adds the stack trace: " + debug.err());
    }

    /** {@code jobs} starts with every supported model type and what the masked LM can run. */
    @Test
    void jobsListsTheFamiliesAndWhatTheMaskedLmRuns() {
        Result r = main("jobs");
        assertEquals(0, r.status(), r.err());
        String families = r.out().lines().findFirst().orElseThrow();
        for (String type : org.neurosweep.model.ArchitectureRegistry.supportedTypes()) {
            assertTrue(families.contains(type), families);
        }
        for (String job : List.of("mlama-probe", "logit-lens", "neuron-attribution", "privacy-neurons")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  bert (masked LM") && l.contains(job)), job + ": " + r.out());
        }
    }

    /**
     * Issue 16's bad configs through check-model: an unknown model_type, a layer_types list of the wrong length and a
     * soft-cap ≤ 0 each give one line naming config.json and the key, with status 2.
     */
    @Test
    void badSecondWaveConfigsAreOneLineNamingTheKey() throws Exception {
        String golden = Files.readString(RepoPaths.golden("gemma2").resolve("config.json"));
        Map<String, String[]> cases = Map.of(
                "model_type", new String[] {"\"model_type\": \"gemma2\"", "\"model_type\": \"gemma7\""},
                "layer_types", new String[] {"\"full_attention\"\n  ],", "\"full_attention\",\n    \"full_attention\"\n  ],"},
                "final_logit_softcapping", new String[] {"\"final_logit_softcapping\": 30.0", "\"final_logit_softcapping\": 0.0"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            assertTrue(golden.contains(c.getValue()[0]), "the golden config holds " + c.getValue()[0]);
            Path model = Files.createDirectories(dir.resolve("bad-" + c.getKey()));
            Files.writeString(model.resolve("config.json"), golden.replace(c.getValue()[0], c.getValue()[1]));
            Result r = main("check-model", "--model", model.toString(), "--reference", "unused.safetensors");
            assertEquals(2, r.status(), c.getKey() + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains(model.resolve("config.json").toString()) && r.err().contains("'" + c.getKey() + "'"),
                    r.err());
        }
    }

    /** A sweep {@code name} of the perplexity job over two lines of the world corpus, with the one model {@code model}. */
    private Path perplexitySweep(String name, Path model) {
        return new TestSweeps(dir).conf(name + ".conf", """
                sweep {
                  name = %s
                  models { small { path = "%s" } }
                  datasets { pretrain { format = text, path = "%s", max-records = 2 } }
                  jobs = [ { job = perplexity, models = [small], datasets = [pretrain] } ]
                }
                """.formatted(name, model, RepoPaths.dataset("world/pretrain.txt")));
    }

    /**
     * A job's planner refusing its entry (here lota-eval naming the artifacts of a run that was never committed) is a
     * user error: one line naming the config file and line, the job and the key, status 2.
     */
    @Test
    void aPlannerRefusingItsEntryIsOneLineWithStatus2() {
        Path missing = dir.resolve("out/artifacts/run=never");
        Path conf = new org.neurosweep.testjobs.TestSweeps(dir).conf("eval.conf", """
                sweep {
                  name = eval
                  models { dense { path = "%s" } }
                  datasets { instruct { format = instructions, path = "%s" } }
                  jobs = [ { job = lota-eval, models = [dense], datasets = [instruct],
                             params { lota-from = "%s", variant = gptq } } ]
                }
                """.formatted(RepoPaths.world("dense"), RepoPaths.dataset("world/instruct.jsonl"), missing));
        Result r = main("plan", conf.toString());
        assertEquals(2, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("eval.conf:") && r.err().contains("lota-eval: params.lota-from = " + missing),
                r.err());
    }
}
